"""Reading a QR code back from the SVG Relay writes, as a phone would: the SVG is parsed as
XML, its path of filled rectangles painted onto an image, and the image scanned with zbar
(Debian's zbar-tools)."""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET  # the Element type only

import pytest
from defusedxml import ElementTree as SafeET
from PIL import Image, ImageDraw

SVG = "{http://www.w3.org/2000/svg}"
SCALE = 8  # pixels per module


def svg_element(markup: str) -> ET.Element:
    """The SVG parsed as XML (raises if it is not well-formed)."""
    return SafeET.fromstring(markup)


def painted(svg: ET.Element) -> Image.Image:
    """The SVG's dark path painted black on white: each subpath (M, then h/v/H/V moves, then
    z) fills the rectangle its corners span, which is all a QR code's path needs."""
    _, _, width, height = (int(float(n)) for n in svg.get("viewBox").split())
    image = Image.new("1", (width * SCALE, height * SCALE), 1)
    draw = ImageDraw.Draw(image)
    for path in svg.iter(f"{SVG}path"):
        x = y = 0.0
        corners: list[tuple[float, float]] = []
        for command, numbers in re.findall(r"([MmHhVvZz])([^MmHhVvZz]*)", path.get("d")):
            args = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
            if command in "Mm":
                x, y = (args[0], args[1]) if command == "M" else (x + args[0], y + args[1])
                corners = [(x, y)]
            elif command in "Hh":
                x = args[0] if command == "H" else x + args[0]
                corners.append((x, y))
            elif command in "Vv":
                y = args[0] if command == "V" else y + args[0]
                corners.append((x, y))
            else:
                xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                box = (min(xs) * SCALE, min(ys) * SCALE, max(xs) * SCALE - 1, max(ys) * SCALE - 1)
                draw.rectangle(box, fill=0)
    return image


def scan_svg(markup: str, tmp_path) -> list[str]:
    """What zbar reads from the QR codes in ``markup``."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: sudo apt-get install zbar-tools")
    png = tmp_path / "code.png"
    painted(svg_element(markup)).save(png)
    scanned = subprocess.run([zbarimg, "-q", str(png)], capture_output=True, text=True, timeout=60).stdout
    return [line.removeprefix("QR-Code:") for line in scanned.splitlines() if line.startswith("QR-Code:")]
