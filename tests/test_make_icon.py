"""The application icon: the drawing (scripts/make_icon.py) and the files it wrote.

The files are checked for what Windows and the window need (every size present, the
.ico a valid multi-size icon), not byte for byte: font rendering may differ a little
between Qt versions, and ``make_icon.py --check`` is there for that.
"""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"


@pytest.fixture(scope="module")
def make_icon():
    spec = importlib.util.spec_from_file_location("make_icon", ROOT / "scripts" / "make_icon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _colour_near(image, x: float, y: float) -> tuple[int, int, int]:
    c = image.pixelColor(round(x), round(y))
    return c.red(), c.green(), c.blue()


def test_bars_are_red_amber_green_from_the_top_with_their_letters(qapp, make_icon) -> None:
    size = 128
    image = make_icon.draw(size, make_icon._font_family())
    # Sample each bar right of its letter, where only the bar's colour is.
    bar_x = size * 0.45
    inner_top, inner_h = size * 0.16, size * 0.68
    bar_h = (inner_h - 2 * inner_h * 0.1) / 3
    centres = [inner_top + row * (bar_h + inner_h * 0.1) + bar_h / 2 for row in range(3)]
    red, amber, green = (_colour_near(image, bar_x, y) for y in centres)
    assert red[0] > 150 and red[1] < 80          # red
    assert amber[0] > 200 and amber[1] > 120 and amber[2] < 100  # amber
    assert green[1] > 100 and green[0] < 80      # green
    # The letter R is drawn in white on the red bar: some pixel of its box is light.
    letter_box = [(x, y) for x in range(int(size * 0.16), int(size * 0.26))
                  for y in range(int(centres[0] - bar_h / 3), int(centres[0] + bar_h / 3))]
    assert any(min(_colour_near(image, x, y)) > 200 for x, y in letter_box)


def test_corners_are_transparent(qapp, make_icon) -> None:
    image = make_icon.draw(64, make_icon._font_family())
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(32, 32).alpha() == 255


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_png_files_have_their_size(qapp, size: int) -> None:
    from PySide6.QtGui import QImage

    image = QImage(str(ICONS / f"ragdesk-{size}.png"))
    assert (image.width(), image.height()) == (size, size)


def test_ico_holds_every_size_up_to_256() -> None:
    data = (ICONS / "ragdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _colours, _res, planes, bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i)
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        assert (planes, bpp) == (1, 32)
        sizes.append(w or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
