"""`gridpad plates` and `gridpad scan` as real processes: a printed plate, photographed, scans back to
its building with both decoders; every other code gets its own plain reason and opens nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from support.live_server import ServerProcess

from gridpad.qr.synthetic import Shot, plate_photo, save_photo
from gridpad.store import repo
from gridpad.store.db import open_store
from gridpad.store.device_meta import DeviceMeta
from sync import doorplate as dp
from sync.labels import Plate, render_png

REPO = Path(__file__).resolve().parents[2]
# A steady hand at arm's length. zbar misses ~15 % of frames at tilt 0.08 (zxing-cpp none), so the
# both-backends tests use 0.05; bench/bench_qr.py measures harder shots.
GENTLE = Shot(height_frac=0.6, tilt=0.05, blur=0.8, noise=4)
ADDRESS_A = "东莞市南城街道金龙新邨七巷16号"
ADDRESS_B = "东莞市南城街道金龙新邨七巷18号"
ADDRESS_C = "东莞市东城街道主山社区八巷3号"


def _cli(data_dir: Path, *args: str, env: dict[str, str] | None = None,
         keyring_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "GRIDPAD_PLATE_KEY"}  # only when a test says so
    full |= {"PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}", **(env or {})}
    if keyring_dir is not None:
        full |= {"PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
                 "GRIDPAD_TEST_KEYRING_DIR": str(keyring_dir)}
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=full, timeout=120, cwd=REPO)


@dataclass
class Tablet:
    home: Path
    key: Ed25519PrivateKey
    env: dict[str, str]
    a: str
    b: str
    c: str


@pytest.fixture
def tablet(tmp_path: Path) -> Tablet:
    """A data dir enrolled (as far as plates care) in grid G1, with a building of grid G2 too, and
    the server's plate key as a file (what IT would hand over for offline printing)."""
    key = dp.generate_private_key()
    key_file = tmp_path / "plate-key.pem"
    key_file.write_bytes(dp.private_key_pem(key))
    home = tmp_path / "home"
    home.mkdir()
    store = open_store(home / "gridpad.sqlite")
    for g in ("G1", "G2"):
        repo.insert(store, "grid", {"grid_id": g, "code": g, "name": f"网格{g}"}, id=g)
    a = repo.insert(store, "building", {"grid_id": "G1", "address": ADDRESS_A, "name": "锦厦花园3栋"})
    b = repo.insert(store, "building", {"grid_id": "G1", "address": ADDRESS_B})
    c = repo.insert(store, "building", {"grid_id": "G2", "address": ADDRESS_C})
    DeviceMeta(store).grids = ["G1"]
    DeviceMeta(store).plate_public_keys = {dp.key_id_for(key): dp.public_key_text(key)}
    store.close()
    return Tablet(home=home, key=key, env={"GRIDPAD_PLATE_KEY": str(key_file)}, a=a, b=b, c=c)


def _photo_of_code(text: str, out: Path, seed: int = 0) -> Path:
    """A photo of an arbitrary QR sticker (payment code, damaged plate, ...)."""
    code = qrcode.make(text, error_correction=qrcode.constants.ERROR_CORRECT_H).get_image()
    plate_photo(code, seed, GENTLE).save(out)
    return out


@pytest.mark.parametrize("backend", ["zxing", "zbar"])
def test_printed_plate_photographed_scans_back_to_its_building(
        tablet: Tablet, tmp_path: Path, backend: str) -> None:
    home, a = tablet.home, tablet.a
    png = tmp_path / "a.png"
    r = _cli(home, "plates", "--building", a, "--out", str(png), env=tablet.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(png)
    photos = [save_photo(png, tmp_path / f"photo{seed}.jpg", seed, GENTLE) for seed in range(3)]
    # The scan trusts the public key received at enrollment (store meta), no private key needed.
    r = _cli(home, "scan", "--backend", backend, *map(str, photos))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"{p}\t{a}\t{ADDRESS_A}" for p in photos]
    raw = _cli(home, "scan", "--raw", "--backend", backend, str(photos[0]))
    assert raw.returncode == 0
    assert dp.verify(raw.stdout.strip(), {dp.key_id_for(tablet.key): tablet.key.public_key()}).ok


def test_grid_sheet_holds_only_that_grids_buildings(tablet: Tablet, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from gridpad.qr.decode import decode

    out = tmp_path / "g1.pdf"
    r = _cli(tablet.home, "plates", "--grid", "G1", "--out", str(out), env=tablet.env)
    assert r.returncode == 0, r.stderr
    pdf = pdfium.PdfDocument(str(out))
    page = pdf[0]
    codes = decode(page.render(scale=200 / 72).to_pil())
    text = page.get_textpage().get_text_range()
    pdf.close()
    keys = {dp.key_id_for(tablet.key): tablet.key.public_key()}
    assert sorted((dp.verify(c, keys).building_id for c in codes), key=str) == sorted([tablet.a, tablet.b])
    assert ADDRESS_A in text and ADDRESS_B in text and ADDRESS_C not in text


@pytest.mark.parametrize("backend", ["zxing", "zbar"])
def test_every_wrong_code_has_its_own_reason_and_opens_nothing(
        tablet: Tablet, tmp_path: Path, backend: str) -> None:
    key = tablet.key
    key_id = dp.key_id_for(key)
    good_a = dp.make_payload(tablet.a, key, key_id)
    cases = {
        "forged": (dp.make_payload(tablet.a, dp.generate_private_key(), key_id),
                   "not issued by the central system"),
        "foreign": ("wxp://f2f0aBcDeFgHiJkLmN0123456789", "Not a GridPad door plate"),
        "alipay": ("https://qr.alipay.com/fkx19876abcdef", "Not a GridPad door plate"),
        "damaged": (good_a[:60], "damaged or incomplete"),
        "unknown-key": (dp.make_payload(tablet.a, dp.generate_private_key(), "NEW2"), "does not know yet"),
        "other-grid": (dp.make_payload(tablet.c, key, key_id), "belongs to grid G2"),
        "unregistered": (dp.make_payload(str(uuid.uuid4()), key, key_id), "not registered on this tablet"),
    }
    photos = {name: _photo_of_code(text, tmp_path / f"{name}.png", seed=i)
              for i, (name, (text, _)) in enumerate(cases.items())}
    blank = tmp_path / "blank.png"
    plate_photo(Image.new("L", (300, 300), 255), 9, GENTLE).save(blank)
    r = _cli(tablet.home, "scan", "--backend", backend, *map(str, [*photos.values(), blank]))
    assert r.returncode == 1
    assert r.stdout == ""  # nothing opened
    lines = r.stderr.splitlines()
    assert len(lines) == len(cases) + 1
    for line, (name, (_, reason)) in zip(lines, cases.items(), strict=False):
        assert line.startswith(f"gridpad scan: {photos[name]}: "), line
        assert reason in line, (name, line)
    assert lines[-1].startswith(f"gridpad scan: {blank}: No QR code found")
    # Told apart: seven kinds of code, six distinct messages (WeChat and Alipay are both foreign).
    assert len({line.split(": ", 2)[2] for line in lines[:-1]}) == 6


def test_several_images_one_bad_means_exit_1_but_the_good_one_still_opens(
        tablet: Tablet, tmp_path: Path) -> None:
    key = tablet.key
    good = tmp_path / "good.png"
    plate_photo(render_png(Plate(dp.make_payload(tablet.b, key, dp.key_id_for(key)), ADDRESS_B)), 3,
                GENTLE).save(good)
    bad = _photo_of_code("https://example.com/not-a-plate", tmp_path / "bad.png")
    r = _cli(tablet.home, "scan", str(good), str(bad), str(tmp_path / "missing.png"))
    assert r.returncode == 1
    assert r.stdout.splitlines() == [f"{good}\t{tablet.b}\t{ADDRESS_B}"]
    assert "Not a GridPad door plate" in r.stderr and "missing.png: no such file" in r.stderr


def test_plates_clear_errors(tablet: Tablet, tmp_path: Path) -> None:
    home = tablet.home
    r = _cli(home, "plates", "--out", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "enroll this device" in r.stderr and "GRIDPAD_PLATE_KEY" in r.stderr
    r = _cli(home, "plates", "--grid", "G9", "--out", str(tmp_path / "x.pdf"), env=tablet.env)
    assert r.returncode == 2 and "--grid G9: no such grid" in r.stderr
    r = _cli(home, "plates", "--building", str(uuid.uuid4()), "--out", str(tmp_path / "x.pdf"),
             env=tablet.env)
    assert r.returncode == 2 and "no such building" in r.stderr
    r = _cli(home, "plates", "--out", str(tmp_path / "x.svg"), env=tablet.env)
    assert r.returncode == 2 and "must end in .pdf or .png" in r.stderr
    r = _cli(home, "plates", "--out", str(tmp_path / "x.pdf"),
             env={"GRIDPAD_PLATE_KEY": str(tmp_path / "nope.pem")})
    assert r.returncode == 2 and "GRIDPAD_PLATE_KEY" in r.stderr and "cannot read" in r.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.slow
def test_plates_signed_by_the_enrolled_server_scan_on_the_tablet(server: ServerProcess,
                                                                 tmp_path: Path) -> None:
    """The real journey: enroll, register a building, sync, print its plate (signed by the server
    over POST /v1/plates), photograph it, scan it with the key received at enrollment."""
    scope = server.new_scope(users=1)
    ring, home = tmp_path / "ring", tmp_path / "home"
    r = _cli(home, "enroll", "--server", server.url, "--code", scope.codes[0], keyring_dir=ring)
    assert r.returncode == 0, r.stderr
    store = open_store(home / "gridpad.sqlite")
    building = repo.insert(store, "building", {"grid_id": scope.grid, "address": ADDRESS_A})
    store.close()
    r = _cli(home, "sync", keyring_dir=ring)
    assert r.returncode == 0, r.stderr
    png = tmp_path / "plate.png"
    r = _cli(home, "plates", "--building", building, "--out", str(png), keyring_dir=ring)
    assert r.returncode == 0, r.stderr
    photo = save_photo(png, tmp_path / "photo.jpg", 5, GENTLE)
    r = _cli(home, "scan", str(photo), keyring_dir=ring)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{photo}\t{building}\t{ADDRESS_A}\n"
    r = _cli(home, "plates", "--building", building, "--out", str(png), keyring_dir=tmp_path / "empty-ring")
    assert r.returncode == 2 and "enroll this device" in r.stderr  # no credential, no signature
