"""A one-page PDF written directly (B2): the invoice PDF's own writer, in place of reportlab's canvas.

reportlab's canvas builds every document as a tree of Python objects and formats each of them when it
saves (the fonts' width arrays, dictionaries, names), and draws each string through a text object: for
an invoice that was half of its CPU. ``Page`` has the few drawing calls the invoice uses (the canvas's
names: ``setFont``, ``drawString``, ``drawRightString``, ``line``; plus ``image`` and ``bars``), writes
their operators into one content stream, and assembles the file itself: catalog, page, content, the
image, and the embedded TrueType subsets. Those font objects are the same bytes in almost every invoice
(documents/fonts.py seeds both fonts with a fixed character set), so they are formatted once per subset
and object number and reused (``_font_objects``). Text is still encoded and measured by reportlab's
TrueType font (its subset assignment, ``splitString``, and its C string width), so the page embeds the
very subsets, widths and ToUnicode maps reportlab's canvas would have, and text extraction works.

``splitString`` walks a string character by character in Python (~20 µs a string, a third of an
invoice's rendering). A string whose characters are all in the seeded assignment (almost every string
of an invoice) is encoded with that assignment directly, ``str.translate`` to the same codes in subset
0: what ``splitString`` would answer, since a character's code never changes once assigned; any other
string goes through ``splitString`` (tested byte for byte against it).
"""

import copy
import zlib
from collections import OrderedDict

from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN

from services.billing.documents.fonts import SEED, CachedSubsetFont
from services.billing.documents.fonts import font as invoice_font

CACHE = 64
_objects: OrderedDict = OrderedDict()
_seeded: dict = {}  # font name -> (the font, its state with SEED assigned, its characters, their codes)


class _DocumentKey:
    """The key under which reportlab's TrueType fonts keep one document's subset assignment."""


class Page:
    """One A4 page drawn with the invoice fonts (TrueType fonts registered as CachedSubsetFont)."""

    def __init__(self, title: str = "", size=A4) -> None:
        self.size = size
        self.title = title
        self.key = _DocumentKey()
        self.ops: list[str] = []
        self.font: CachedSubsetFont | None = None
        self.font_size = 0.0
        self.used: dict[tuple[str, int], str] = {}  # (font name, subset) -> resource name
        self.fonts: dict[str, CachedSubsetFont] = {}
        self.images: list[tuple[str, bytes]] = []
        self.seeded: dict[str, tuple[frozenset, dict[int, int]]] = {}  # font name -> SEED's characters, codes

    def setTitle(self, title: str) -> None:  # noqa: N802 (the canvas's name)
        self.title = title

    def seed(self, names) -> None:
        """Assign ``SEED`` first in each font: the same subsets as every invoice before (fonts.py). The
        seeded assignment is made once per font and copied into each page."""
        for name in names:
            font = self._font(name)
            seeded = _seeded.get(name)
            if seeded is None or seeded[0] is not font:
                key = _DocumentKey()
                font.splitString(SEED, key)
                state = font.state.pop(key)
                if len(state.subsets) != 1:
                    raise ValueError("page_writer: SEED must fit in a font's first subset")
                characters = frozenset(map(chr, state.assignments))
                seeded = _seeded[name] = (font, state, characters, dict(state.assignments))
            self.seeded[name] = seeded[2], seeded[3]
            state = copy.copy(seeded[1])
            state.assignments = dict(state.assignments)
            state.subsets = [list(subset) for subset in state.subsets]
            font.state[self.key] = state

    def _font(self, name: str) -> CachedSubsetFont:
        font = self.fonts.get(name)
        if font is None:
            found = invoice_font(name)  # not pdfmetrics.getFont: see documents/fonts.py
            if found is None:
                raise ValueError(f"page_writer: {name} is not an invoice TrueType font")
            font = self.fonts[name] = found
        return font

    def setFont(self, name: str, size: float) -> None:  # noqa: N802
        self.font, self.font_size = self._font(name), size

    def drawString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        font = self.font
        if font is None:
            raise ValueError("page_writer: setFont before drawString")
        parts = [f"BT 1 0 0 1 {fp_str(x)} {fp_str(y)} Tm"]
        size = fp_str(self.font_size)
        for subset, encoded in self._encoded(font, text):
            resource = self.used.get((font.fontName, subset))
            if resource is None:
                resource = self.used[(font.fontName, subset)] = f"F{len(self.used) + 1}"
            parts.append(f"/{resource} {size} Tf ({escapePDF(encoded)}) Tj")
        parts.append("ET")
        self.ops.append(" ".join(parts))

    def _encoded(self, font: CachedSubsetFont, text: str):
        """[(subset, its codes)] of ``text``: ``font.splitString``'s answer, directly when every
        character was seeded."""
        seeded = self.seeded.get(font.fontName)
        if text and seeded is not None and seeded[0].issuperset(text):
            return ((0, text.translate(seeded[1]).encode("latin-1")),)
        return font.splitString(text, self.key)

    def drawRightString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        if self.font is None:
            raise ValueError("page_writer: setFont before drawRightString")
        self.drawString(x - self.font.stringWidth(text, self.font_size), y, text)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.ops.append(f"{fp_str(x1)} {fp_str(y1)} m {fp_str(x2)} {fp_str(y2)} l S")

    def bars(self, x: float, y: float, module: float, height: float, bars) -> None:
        """A barcode: filled bars [(first module, modules wide)] ``module`` wide each, ``height`` high,
        from (x, y), as one path in module units."""
        if bars:
            path = "\n".join(f"{start} 0 {width} 1 re" for start, width in bars)
            self.ops.append(
                f"q {fp_str(module)} 0 0 {fp_str(height)} {fp_str(x)} {fp_str(y)} cm\n{path}\nf Q"
            )

    def image(self, x: float, y: float, width: float, height: float, bits: bytes, size: tuple[int, int]):
        """A black-and-white image (``bits``: rows top first, one bit a pixel, 1 white, each row padded
        to whole bytes) drawn into the given box."""
        name = f"Im{len(self.images) + 1}"
        columns, rows = size
        if len(bits) != (columns + 7) // 8 * rows:
            raise ValueError("page_writer: the image's bits do not match its size")
        header = (
            f"<< /Type /XObject /Subtype /Image /Name /{name} /Width {columns} /Height {rows}"
            " /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode"
        )
        self.images.append((name, _stream(header, zlib.compress(bits))))
        self.ops.append(f"q {fp_str(width)} 0 0 {fp_str(height)} {fp_str(x)} {fp_str(y)} cm /{name} Do Q")

    def bytes(self) -> bytes:
        """The PDF file."""
        content = zlib.compress("\n".join(self.ops).encode("latin-1"))
        # 1 catalog, 2 pages, 3 page, 4 content, 5 info, then the images, then the fonts' objects
        bodies: list[bytes] = [b"", b"", b"", _stream("<< /Filter /FlateDecode", content), _info(self.title)]
        image_refs = []
        for name, body in self.images:
            bodies.append(body)
            image_refs.append(f"/{name} {len(bodies)} 0 R")
        font_refs = []
        for (font_name, subset), resource in self.used.items():
            first = len(bodies) + 1
            bodies.extend(_font_objects(self.fonts[font_name], self.key, subset, resource, first))
            font_refs.append(f"/{resource} {first} 0 R")
        bodies[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
        bodies[1] = b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>"
        width, height = self.size
        bodies[2] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 {fp_str(width)} {fp_str(height)} ]"
            f" /Contents 4 0 R /Resources << /ProcSet [ /PDF /Text /ImageB ]"
            f" /Font << {' '.join(font_refs)} >> /XObject << {' '.join(image_refs)} >> >> >>"
        ).encode("latin-1")
        for font in self.fonts.values():
            font.state.pop(self.key, None)
        return _file(bodies)


def _stream(dictionary: str, data: bytes) -> bytes:
    return b"".join(
        (f"{dictionary} /Length {len(data)} >>\nstream\n".encode("latin-1"), data, b"\nendstream")
    )


def _text_string(text: str) -> str:
    """A PDF text string (UTF-16BE with its byte order mark, in hex)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _info(title: str) -> bytes:
    return f"<< /Producer (Piiri) /Title {_text_string(title)} >>".encode("latin-1")


def _file(bodies: list[bytes]) -> bytes:
    out = [b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n"]
    offsets, at = [], len(out[0])
    for number, body in enumerate(bodies, 1):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
        offsets.append(at)
        at += len(chunk)
        out.append(chunk)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)]
    xref.extend(b"%010d 00000 n \n" % offset for offset in offsets)
    out.append(b"".join(xref))
    out.append(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, at)
    )
    return b"".join(out)


def _font_objects(font: CachedSubsetFont, key, subset: int, resource: str, first: int) -> list[bytes]:
    """The four objects of one embedded subset (font, ToUnicode, font file, descriptor), numbered from
    ``first``: formatted once per subset, resource name and number (at most CACHE kept)."""
    chars = tuple(font.state[key].subsets[subset])
    cache_key = (font.fontName, subset, chars, resource, first)
    found = _objects.get(cache_key)
    if found is not None:
        _objects.move_to_end(cache_key)
        return found
    face = font.face
    base_name = b"".join((SUBSETN(subset), b"+", face.name, face.subfontNameX)).decode("latin-1")
    font_file, length, cmap, widths = font.parts(list(chars), base_name)
    found = [
        (
            f"<< /Type /Font /Subtype /TrueType /Name /{resource} /BaseFont /{base_name} /FirstChar 0"
            f" /LastChar {len(chars) - 1} /Widths [ {' '.join(fp_str(width) for width in widths)} ]"
            f" /ToUnicode {first + 1} 0 R /FontDescriptor {first + 3} 0 R >>"
        ).encode("latin-1"),
        _stream("<< /Filter /FlateDecode", cmap),
        _stream(f"<< /Filter /FlateDecode /Length1 {length}", font_file),
        (
            f"<< /Type /FontDescriptor /Ascent {face.ascent} /CapHeight {face.capHeight}"
            f" /Descent {face.descent} /Flags {(face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC}"
            f" /FontBBox [ {' '.join(fp_str(value) for value in face.bbox)} ] /FontName /{base_name}"
            f" /ItalicAngle {face.italicAngle} /StemV {face.stemV} /FontFile2 {first + 2} 0 R"
            f" /MissingWidth {face.defaultWidth} >>"
        ).encode("latin-1"),
    ]
    _objects[cache_key] = found
    while len(_objects) > CACHE:
        _objects.popitem(last=False)
    return found
