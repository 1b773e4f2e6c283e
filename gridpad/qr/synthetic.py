"""Photo-like frames of a door plate, for tests and benchmarks (no camera in CI).

A plate image is warped in perspective onto a wall in a 1280×720 frame, with Chinese notices
beside it, then degraded the way a tablet camera degrades it: blur, sensor noise, glare, low
contrast, JPEG compression. Everything is seeded, so a failing frame can be reproduced.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FRAME = (1280, 720)
NOTICES = ("出租屋消防安全告知书", "房东电话 138****6612", "专业开锁 办证", "禁止电动车入户充电",
           "东莞市南城街道")


@dataclass(frozen=True)
class Shot:
    """How the plate was photographed."""

    height_frac: float = 0.45  # plate height as a share of the frame height
    tilt: float = 0.12  # corner jitter as a share of the plate size (perspective)
    rotate_deg: float = 0.0
    blur: float = 1.0  # Gaussian blur radius, pixels
    noise: float = 5.0  # sensor noise, standard deviation in grey levels
    glare: float = 0.0  # 0..1 strength of a bright spot over the plate
    contrast: float = 1.0  # 1 = as printed; 0.3 = washed out
    jpeg_quality: int | None = 85
    notices: bool = True


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from sync.labels import find_cjk_font  # the same font search as the labels

    path = find_cjk_font()
    return ImageFont.truetype(str(path), size=size, index=0) if path else ImageFont.load_default()


def _coeffs(dst: np.ndarray, src: np.ndarray) -> list[float]:
    """PIL PERSPECTIVE coefficients mapping output (frame) points ``dst`` to input points ``src``."""
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return [float(c) for c in np.linalg.solve(np.array(rows, float), src.reshape(8).astype(float))]


def plate_photo(plate: Image.Image, seed: int = 0, shot: Shot | None = None) -> Image.Image:
    """A 1280×720 RGB frame of ``plate`` (any PIL image) as a tablet camera would see it."""
    shot = shot or Shot()
    rng = np.random.default_rng(seed)
    w, h = FRAME
    # A stained wall: a smooth gradient plus blotches.
    yy, xx = np.mgrid[0:h, 0:w]
    wall = 150 + 40 * np.sin(xx / 310 + rng.uniform(0, 6)) * np.cos(yy / 270) + rng.normal(0, 3, (h, w))
    base = np.stack([wall * 1.02, wall, wall * 0.9], axis=2).clip(0, 255).astype(np.uint8)
    frame = Image.fromarray(base, "RGB")

    panel = Image.new("RGB", (plate.width + 40, plate.height + 40), (236, 238, 240))
    panel.paste(plate.convert("RGB"), (20, 20))
    ph = shot.height_frac * h
    pw = ph * panel.width / panel.height
    cx = rng.uniform(pw / 2 + 20, w - pw / 2 - 20)
    cy = rng.uniform(ph / 2 + 10, h - ph / 2 - 10)
    angle = np.radians(shot.rotate_deg)
    corners = np.array([[-pw / 2, -ph / 2], [pw / 2, -ph / 2], [pw / 2, ph / 2], [-pw / 2, ph / 2]])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = corners @ rot.T + [cx, cy] + rng.uniform(-shot.tilt, shot.tilt, (4, 2)) * [pw, ph]
    src = np.array([[0, 0], [panel.width, 0], [panel.width, panel.height], [0, panel.height]], float)
    coeffs = _coeffs(dst, src)
    warped = panel.transform(FRAME, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
    mask = Image.new("L", panel.size, 255).transform(FRAME, Image.Transform.PERSPECTIVE, coeffs,
                                                      Image.Resampling.BILINEAR)
    frame.paste(warped, (0, 0), mask)

    if shot.notices:  # Chinese text beside the plate: notices, adverts, a phone number
        draw = ImageDraw.Draw(frame)
        for text in rng.choice(NOTICES, size=3, replace=False):
            size = int(rng.integers(22, 44))
            x = int(rng.integers(0, w - size * len(text)))
            y = int(rng.choice([rng.integers(0, max(1, int(cy - ph / 2) - size)),
                                rng.integers(min(h - size - 1, int(cy + ph / 2)), h - size)]))
            colour = (170, 20, 20) if "办证" in text else (30, 30, 30)
            draw.text((x, y), str(text), font=_font(size), fill=colour)

    arr = np.asarray(frame).astype(np.float32)
    if shot.glare > 0:  # a bright elliptical spot (a lamp or the sun on a glossy plate)
        gx = cx + rng.uniform(-0.3, 0.3) * pw
        gy = cy + rng.uniform(-0.3, 0.3) * ph
        spot = np.exp(-(((xx - gx) / (0.35 * pw)) ** 2 + ((yy - gy) / (0.25 * ph)) ** 2))
        arr += (255 - arr) * (shot.glare * spot)[:, :, None]
    if shot.contrast != 1.0:
        arr = 128 + (arr - 128) * shot.contrast
    frame = Image.fromarray(arr.clip(0, 255).astype(np.uint8), "RGB")
    if shot.blur > 0:
        frame = frame.filter(ImageFilter.GaussianBlur(shot.blur))
    if shot.noise > 0:
        noisy = np.asarray(frame).astype(np.float32) + rng.normal(0, shot.noise, (h, w, 1))
        frame = Image.fromarray(noisy.clip(0, 255).astype(np.uint8), "RGB")
    if shot.jpeg_quality:
        buf = io.BytesIO()
        frame.save(buf, "JPEG", quality=shot.jpeg_quality)
        frame = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return frame


def save_photo(plate_png: Path, out: Path, seed: int = 0, shot: Shot | None = None) -> Path:
    with Image.open(plate_png) as plate:
        plate_photo(plate, seed, shot).save(out)
    return out
