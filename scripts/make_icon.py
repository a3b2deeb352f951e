#!/usr/bin/env python3
"""Draw the ragdesk application icon with QPainter: resources/icons/*.png and ragdesk.ico.

    .venv/bin/python scripts/make_icon.py          # rewrite the icons
    .venv/bin/python scripts/make_icon.py --check  # exit 1 if the files differ from a fresh drawing

The icon is a dark rounded square holding three bars, a short red one, a longer
amber one and the longest green one, each with its letter R, A, G (RAG is never
colour alone, not even in the icon). Each size is painted at that size rather than
scaled down, so the small ones stay sharp; below 32 px the letters would be a smear
and only the bars are drawn, their order (red, amber, green from the top, like a
traffic light) still telling them apart.

The letters use Bitstream Vera Sans Bold, which ships inside ReportLab, so the
drawing is the same on every machine with the project's environment.
The .ico holds every size up to 256 as PNG entries (read by Windows Vista and later,
and by PyInstaller for the .exe's icon).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
)

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

BACKGROUND = QColor("#1f2a44")
# The same red/amber/green as the reports' legend, dark text on amber and green.
BARS = (("R", QColor("#c62828"), QColor("white"), 0.55),
        ("A", QColor("#f9a825"), QColor("#1f2a44"), 0.75),
        ("G", QColor("#2e7d32"), QColor("white"), 1.0))


def _font_family() -> str:
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"
    font_id = QFontDatabase.addApplicationFont(str(vera))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else "Sans Serif"


def draw(size: int, family: str) -> QImage:
    """The icon at ``size`` × ``size`` pixels, transparent outside the rounded square."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = size * 0.04
    square = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(BACKGROUND)
    p.drawRoundedRect(square, size * 0.2, size * 0.2)

    letters = size >= 32
    inner = square.adjusted(size * 0.11, size * 0.12, -size * 0.11, -size * 0.12)
    gap = inner.height() * 0.1
    bar_h = (inner.height() - 2 * gap) / 3
    font = QFont(family)
    font.setBold(True)
    font.setPixelSize(max(1, round(bar_h * 0.82)))
    p.setFont(font)
    for row, (letter, fill, ink, length) in enumerate(BARS):
        top = inner.top() + row * (bar_h + gap)
        bar = QRectF(inner.left(), top, inner.width() * length, bar_h)
        path = QPainterPath()
        path.addRoundedRect(bar, bar_h * 0.3, bar_h * 0.3)
        p.fillPath(path, fill)
        if letters:
            p.setPen(ink)
            box = QRectF(bar.left(), bar.top(), bar_h * 1.15, bar.height())
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, letter)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding each PNG as one entry (ICONDIR, ICONDIRENTRYs, data)."""
    sizes = sorted(pngs)
    out = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    for s in sizes:
        dim = 0 if s >= 256 else s  # 0 means 256 in an ICONDIRENTRY
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(pngs[s]), offset)
        offset += len(pngs[s])
    return out + b"".join(pngs[s] for s in sizes)


def render() -> dict[str, bytes]:
    """File name -> content for every icon file."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    family = _font_family()
    pngs = {s: png_bytes(draw(s, family)) for s in SIZES}
    files = {f"ragdesk-{s}.png": data for s, data in pngs.items()}
    files["ragdesk.png"] = pngs[256]
    files["ragdesk.ico"] = ico_bytes({s: pngs[s] for s in ICO_SIZES})
    del app
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the ragdesk icon.")
    parser.add_argument("--check", action="store_true",
                        help="compare with the files on disk instead of writing them")
    args = parser.parse_args(argv)
    files = render()
    if args.check:
        stale = [n for n, d in files.items()
                 if not (ICONS / n).exists() or (ICONS / n).read_bytes() != d]
        for name in stale:
            print(f"differs: resources/icons/{name}")
        return 1 if stale else 0
    ICONS.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (ICONS / name).write_bytes(data)
        print(f"wrote resources/icons/{name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
