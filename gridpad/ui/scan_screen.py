"""Scan (扫码): live camera with a guide square and torch, or a photo of the plate as fallback.

Frames from QtMultimedia are turned into grey numpy arrays a few times a second and decoded on a
decode thread (never the GUI thread; a frame arriving while one is decoding is dropped). Decoded
texts are checked against the store on the DB worker (``gridpad.qr.scan``): the first plate that
opens a building wins and the building card opens; every other outcome gets its own message.
"""

from __future__ import annotations

import atexit
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from gridpad.app.plate_reading import ScanOutcome, ScanResult, best, read_frame, read_photo
from gridpad.ui.i18n import app_name, tr
from gridpad.ui.widgets import label, screen_layout

if TYPE_CHECKING:
    from gridpad.app.scan import GridChoice
    from gridpad.ui.context import AppContext

#: Frames decoded per second at most (DESIGN: "a few frames a second").
DECODE_FPS = 4


def grey_array(image: QImage) -> np.ndarray:
    """A QImage as an ``H×W`` uint8 array (a copy: the frame's memory is recycled)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    arr = np.frombuffer(grey.constBits(), np.uint8, grey.sizeInBytes())
    return arr.reshape(grey.height(), grey.bytesPerLine())[:, : grey.width()].copy()


def result_text(result: ScanResult, source: str = "camera") -> str:
    """What the user reads for each outcome (translated); ``source`` "image" words a failed read
    for a photo (choose a better one), not for the camera (hold it closer)."""
    o = result.outcome
    photo = source == "image"
    if o is ScanOutcome.OPEN:
        return tr("Door plate read: opening {0}.").format(result.address or result.building_id)
    if o is ScanOutcome.OTHER_GRID:
        return tr("This plate belongs to grid {0} ({1}), not one of your grids.").format(
            result.grid_id, result.address)
    if o is ScanOutcome.NOT_REGISTERED:
        return tr("Valid door plate, but this building is not registered on this tablet. "
                  "Register it with the plate's ID, or sync first.")
    if o is ScanOutcome.FORGED:
        return tr("Warning: this plate's signature is wrong; it may be forged. Do not trust it, report it.")
    if o is ScanOutcome.UNKNOWN_KEY:
        return tr("This plate was signed with a key this tablet does not know yet. Sync, then scan again.")
    if o is ScanOutcome.DAMAGED:
        if photo:
            return tr("The door plate code in this image is damaged or incomplete. Choose a sharper "
                      "photo of the whole plate, or search by address.")
        return tr("The door plate code is damaged or incomplete. Scan again closer, or search by address.")
    if o is ScanOutcome.FOREIGN:
        return tr("This QR code is not a {0} door plate.").format(app_name())
    if photo:
        return tr("No QR code found in this image. Choose a sharper photo taken straight on, with the "
                  "whole plate in the picture.")
    return tr("No QR code found. Hold the camera closer and steady, or light the plate.")


def _stop_thread(ref: weakref.ref[QThread]) -> None:
    thread = ref()
    if thread is not None and thread.isRunning():
        thread.quit()
        thread.wait()


class DecodeWorker(QObject):
    """Lives on the decode thread."""

    decoded = Signal(object, str)  # texts, source ("camera" / "image")
    failed = Signal(str)

    @Slot(object)
    def decode_frame(self, grey: np.ndarray) -> None:
        try:
            self.decoded.emit(read_frame(grey), "camera")
        except Exception as exc:  # noqa: BLE001 - a frame that fails to decode is reported, the camera goes on
            self.failed.emit(str(exc))

    @Slot(str)
    def decode_file(self, path: str) -> None:
        try:
            texts = read_photo(path)
        except (OSError, ValueError) as exc:
            self.failed.emit(tr("Cannot read that image: {0}").format(exc))
            return
        self.decoded.emit(texts, "image")


class ScanScreen(QWidget):
    """Signals: result(ScanResult) after each checked scan (tests and the toast listen)."""

    result = Signal(object)
    _decode_frame = Signal(object)
    _decode_file = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.last_result: ScanResult | None = None
        self._last_source = "camera"
        self._busy = False
        self._last_frame_at = 0.0
        self._camera: Any = None
        self._session: Any = None
        self._video: Any = None

        self._thread = QThread()
        self._thread.setObjectName("gridpad-decode")
        self._worker = DecodeWorker()
        self._worker.moveToThread(self._thread)
        self._decode_frame.connect(self._worker.decode_frame)
        self._decode_file.connect(self._worker.decode_file)
        self._worker.decoded.connect(self._on_decoded)
        self._worker.failed.connect(self._on_failed)

        outer, self.heading = screen_layout(self)

        self.view_frame = QFrame(self)
        self.view_frame.setObjectName("card")
        self._view_stack = QStackedLayout(self.view_frame)
        self.no_camera = QLabel(self.view_frame)
        self.no_camera.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_camera.setWordWrap(True)
        self._view_stack.addWidget(self.no_camera)
        outer.addWidget(self.view_frame, 1)

        self.message = label("", "title", self, wrap=True)
        outer.addWidget(self.message)

        # Registering an unknown building with the plate's id: the address now, the rest on its card.
        self.register_box = QFrame(self)
        self.register_box.setObjectName("card")
        box = QVBoxLayout(self.register_box)
        box.setContentsMargins(20, 16, 20, 16)
        self.register_title = label("", None, self.register_box, wrap=True)
        self.address_edit = QLineEdit(self.register_box)
        self.grid_combo = QComboBox(self.register_box)
        self.register_error = label("", "fieldError", self.register_box, wrap=True)
        self.register_save = QPushButton(self.register_box)
        self.register_save.setObjectName("primary")
        self.register_save.clicked.connect(self.save_new_building)
        for w in (self.register_title, self.address_edit, self.grid_combo, self.register_error):
            box.addWidget(w)
        box.addWidget(self.register_save, 0, Qt.AlignmentFlag.AlignRight)
        self.register_box.hide()
        outer.addWidget(self.register_box)

        row = QHBoxLayout()
        self.torch_button = QPushButton(self)
        self.torch_button.setCheckable(True)
        self.torch_button.toggled.connect(self._set_torch)
        self.torch_button.hide()
        self.register_button = QPushButton(self)
        self.register_button.clicked.connect(self.start_register)
        self.register_button.hide()
        self.image_button = QPushButton(self)
        self.image_button.setObjectName("primary")
        self.image_button.clicked.connect(self.choose_image)
        row.addWidget(self.torch_button)
        row.addStretch(1)
        row.addWidget(self.register_button)
        row.addWidget(self.image_button)
        outer.addLayout(row)
        self.retranslate()

    # -- camera ---------------------------------------------------------------------------------
    def camera_available(self) -> bool:
        from PySide6.QtMultimedia import QMediaDevices

        return bool(QMediaDevices.videoInputs())

    def activated(self) -> None:
        """Shown: start the camera if there is one, else offer the image fallback."""
        self.last_result = None
        self.register_button.hide()
        self.register_box.hide()
        if self._camera is None and self.camera_available():
            self._start_camera()
        elif self._camera is not None:
            self._camera.start()
        self.retranslate()

    def hideEvent(self, event: Any) -> None:
        if self._camera is not None:
            self._camera.stop()
        super().hideEvent(event)

    def _start_camera(self) -> None:
        """Camera → QGraphicsVideoItem (so the square guide can be drawn over the picture) → its
        QVideoSink → ``on_frame``."""
        from PySide6.QtGui import QPen
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices
        from PySide6.QtMultimediaWidgets import QGraphicsVideoItem
        from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene, QGraphicsView

        self._camera = QCamera(QMediaDevices.defaultVideoInput(), self)
        self._session = QMediaCaptureSession(self)
        scene = QGraphicsScene(self)
        self._video = QGraphicsVideoItem()
        scene.addItem(self._video)
        self._guide = QGraphicsRectItem()
        theme = getattr(self._ctx, "theme", None)
        colour = theme.color("primary") if theme is not None else self.palette().highlight().color()
        pen = QPen(colour)
        pen.setWidth(4)
        self._guide.setPen(pen)
        scene.addItem(self._guide)
        self._view = QGraphicsView(scene, self.view_frame)
        self._view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._view_stack.addWidget(self._view)
        self._view_stack.setCurrentWidget(self._view)
        self._session.setCamera(self._camera)
        self._session.setVideoOutput(self._video)
        self._video.videoSink().videoFrameChanged.connect(self.on_frame)
        self._video.nativeSizeChanged.connect(lambda _size: self._fit_view())
        self.torch_button.setVisible(self._camera.isTorchModeSupported(QCamera.TorchMode.TorchOn))
        self._camera.start()

    def _fit_view(self) -> None:
        """Fill the view with the picture and centre a square guide on 60 % of its short side."""
        if self._video is None:
            return
        view = self._view.viewport().size()
        self._video.setSize(view.toSizeF())
        side = 0.6 * min(view.width(), view.height())
        self._guide.setRect((view.width() - side) / 2, (view.height() - side) / 2, side, side)
        self._view.setSceneRect(0, 0, view.width(), view.height())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._video is not None:
            self._fit_view()

    def _set_torch(self, on: bool) -> None:
        if self._camera is not None:
            from PySide6.QtMultimedia import QCamera

            self._camera.setTorchMode(QCamera.TorchMode.TorchOn if on else QCamera.TorchMode.TorchOff)

    def on_frame(self, frame: Any) -> None:
        """A frame from the camera's QVideoSink: decoded a few times a second, off the GUI thread."""
        now = time.monotonic()
        if self._busy or now - self._last_frame_at < 1 / DECODE_FPS or self._opened():
            return
        image = frame.toImage()
        if image.isNull():
            return
        self._last_frame_at = now
        self._busy = True
        self._ensure_thread()
        self._decode_frame.emit(grey_array(image))

    def _opened(self) -> bool:
        return self.last_result is not None and self.last_result.opens is not None

    # -- image fallback -------------------------------------------------------------------------
    def choose_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Photo of a door plate"), str(Path.home()),
                                              tr("Images (*.png *.jpg *.jpeg *.bmp)"))
        if path:
            self.scan_image(Path(path))

    def scan_image(self, path: Path) -> None:
        self.last_result = None
        self.message.setText(tr("Reading the image…"))
        self._ensure_thread()
        self._decode_file.emit(str(path))

    # -- results --------------------------------------------------------------------------------
    def _on_decoded(self, texts: list[str], source: str) -> None:
        self._busy = False
        if not texts:
            if source == "image":
                self._show(best([]), source)
            return
        from gridpad.app.scan import check_texts

        self._ctx.db.call(check_texts, texts, on_done=lambda r: self._show(r, source),
                          on_error=self._on_check_failed, owner=self)

    def _on_failed(self, message: str) -> None:
        self._busy = False
        self.message.setText(message)

    def _on_check_failed(self, exc: BaseException) -> None:
        self.message.setText(tr("Could not check the plate: {0}").format(exc))

    def _show(self, result: ScanResult, source: str = "camera") -> None:
        if self._opened():
            return  # the first valid code already won
        self.last_result, self._last_source = result, source
        self.message.setText(result_text(result, source))
        self.register_button.setVisible(result.outcome is ScanOutcome.NOT_REGISTERED)
        self.register_box.hide()
        self.result.emit(result)
        if result.opens is not None:
            if self._camera is not None:
                self._camera.stop()
            self._ctx.navigate("registry", building_id=result.opens)

    def start_register(self) -> None:
        """Offer to register the unknown building under the id printed on its plate."""
        if self.last_result is None or not self.last_result.building_id:
            return
        self.register_button.hide()
        self.register_error.clear()
        self.register_box.show()
        self.address_edit.setFocus()
        from gridpad.app.scan import my_grids

        self._ctx.db.call(my_grids, on_done=self._fill_grids, owner=self)

    def _fill_grids(self, grids: list[GridChoice]) -> None:
        self.grid_combo.clear()
        for grid in grids:
            self.grid_combo.addItem(f"{grid.name} ({grid.grid_id})", grid.grid_id)

    def save_new_building(self) -> None:
        address = self.address_edit.text().strip()
        grid = self.grid_combo.currentData()
        if not address:
            self.register_error.setText(tr("Address: required; type the address shown on the plate."))
            return
        if not grid:
            self.register_error.setText(tr("Grid: this tablet holds no grid yet; enroll and sync first."))
            return
        assert self.last_result is not None and self.last_result.building_id
        self.register_save.setEnabled(False)
        from gridpad.app.scan import register_building

        self._ctx.db.call(register_building, self.last_result.building_id, grid, address,
                          on_done=self._registered, on_error=self._register_failed, owner=self)

    def _registered(self, building_id: str) -> None:
        self.register_save.setEnabled(True)
        self.register_box.hide()
        self.address_edit.clear()
        self._ctx.navigate("registry", building_id=building_id)

    def _register_failed(self, exc: BaseException) -> None:
        self.register_save.setEnabled(True)
        errors = getattr(exc, "errors", None)
        self.register_error.setText("; ".join(e.message for e in errors) if errors else str(exc))

    # -- life cycle and text --------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        """The decode thread starts on first use and stops when the app quits (or at exit)."""
        if self._thread.isRunning():
            return
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        atexit.register(_stop_thread, weakref.ref(self._thread))

    def shutdown(self) -> None:
        if self._camera is not None:
            self._camera.stop()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)

    def retranslate(self) -> None:
        self.heading.setText(tr("Scan a door plate"))
        self.no_camera.setText(tr("No camera found on this device.\nOpen a photo of the door plate instead."))
        self.torch_button.setText(tr("Torch"))
        self.register_button.setText(tr("Register this building"))
        self.register_title.setText(tr("New building with this plate's ID. Type its address; "
                                       "the rest can be filled in on its card."))
        self.address_edit.setPlaceholderText(tr("Address, e.g. 兴业路18号"))
        self.register_save.setText(tr("Register and open"))
        self.image_button.setText(tr("Read from image"))
        if self.last_result is not None:
            self.message.setText(result_text(self.last_result, self._last_source))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
