"""The invoice PDF's fonts (B2): DejaVu Sans like every Piiri PDF (piiri/pdf_fonts.py), registered a second
time for the invoices as fonts whose embedded subsets are made once and reused.

A PDF embeds a subset of each TrueType font with the characters the document used, in the order it
first used them: building that subset, its width table and its ToUnicode map and deflating them was
about half of an invoice PDF's CPU (4 of 8 ms). An invoice page (documents/page_writer.py) therefore
first seeds both fonts with a fixed set of characters (``SEED``: ASCII, the Finnish and Swedish
letters and every other character of the documents' fixed texts, documents/texts.py; in a fixed order),
so that almost every invoice has the very same subsets; ``CachedSubsetFont`` keeps the deflated font
file, ToUnicode map and widths of each subset it has made (``parts``) and the page puts them into the
next document as they are. A name with other characters (ł, ß, Cyrillic) makes a subset of its own,
cached too (at most ``CACHE`` of them). The PDF is the same to a reader: the
embedded font is a valid subset with every glyph the page uses, and text extraction works through the
ToUnicode map.

Each subset is embedded without TrueType hinting (``unhinted``): DejaVu's instructions (each glyph's
program, the ``fpgm``, ``prep`` and ``cvt`` tables) were half of a subset's font file, and its ``name``
table (the full licence text, twice) another 15 kB undeflated; together ~20 kB deflated per font, 40 kB
of a stored PDF's 47. Hinting only fits outlines to a coarse pixel grid: pdfium draws the invoice with
the unhinted subsets as with the hinted ones but for anti-aliasing (a test compares the pixels at 144
dpi), and a printer's resolution needs none. What is kept of ``name`` is what fontTools' and HarfBuzz's
subsetters keep by default: IDs 0-6 (the copyright notice, family, style, unique and full name,
version, PostScript name) in Windows English. The outlines, metrics and character map are unchanged
(tested against reportlab's hinted subset, glyph by glyph). A subset is made without hinting once per
process (3-5 ms); a name outside ``SEED`` costs that once per new subset (1 % of the benchmark's
invoices: Cyrillic names).

The page writer takes the font objects from here (``font``), never from reportlab's registry: reportlab
registers one font object per face, so when DejaVu Sans was registered first as PiiriSans (an export or an
access report made in the same process), ``pdfmetrics.getFont("PiiriInvoiceSans")`` answers with that plain
TrueType font. The registration stays for reportlab's ``stringWidth`` (the same face: the same widths).
"""

import io
import zlib
from collections import OrderedDict

from fontTools.ttLib import TTFont as FontFile
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, makeToUnicodeCMap

from piiri.pdf_fonts import FONT_DIRS

REGULAR, BOLD = "PiiriInvoiceSans", "PiiriInvoiceSans-Bold"
SEED = "".join(chr(code) for code in range(32, 127)) + "ÄÖÅäöåÉéÜü€–—§½À"
CACHE = 64
HINTING_TABLES = ("fpgm", "prep", "cvt ")
NAME_IDS = range(7)  # copyright, family, subfamily, unique ID, full name, version, PostScript name
WINDOWS, UNICODE_BMP, ENGLISH = 3, 1, 0x409
_fonts: tuple[str, str] | None = None
_objects: dict[str, "CachedSubsetFont"] = {}


class CachedSubsetFont(TTFont):
    """A TrueType font whose subsets' deflated font file and ToUnicode map are made once per subset."""

    def __init__(self, name, filename):
        super().__init__(name, filename)
        self.made: OrderedDict = OrderedDict()

    def parts(self, subset, base_name):
        """(deflated font file, its length undeflated, deflated ToUnicode map, widths) of ``subset``
        (its character codes in order) embedded as ``base_name``."""
        key = (tuple(subset), base_name)
        found = self.made.get(key)
        if found is None:
            font_file = unhinted(self.face.makeSubset(subset))
            found = (
                zlib.compress(font_file),
                len(font_file),
                zlib.compress(makeToUnicodeCMap(base_name, subset).encode("utf-8")),
                [self.face.getCharWidth(code) for code in subset],
            )
            self.made[key] = found
            while len(self.made) > CACHE:
                self.made.popitem(last=False)
        else:
            self.made.move_to_end(key)
        return found


def unhinted(font_file: bytes) -> bytes:
    """The TrueType ``font_file`` (a subset reportlab made) without hinting: no instructions in its glyphs,
    no ``fpgm``, ``prep`` or ``cvt`` table, ``maxp``'s instruction limits zeroed (as fontTools' subsetter
    does with ``hinting=False``), and only ``NAME_IDS`` in Windows English kept in ``name``. Glyphs,
    metrics, the character map and the tables' order are untouched; the glyphs are trimmed as stored,
    never decoded (about 3-5 ms for a seeded subset, made once)."""
    font = FontFile(io.BytesIO(font_file), recalcBBoxes=False, recalcTimestamp=False)
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
    for glyph in font["glyf"].glyphs.values():
        glyph.trim(remove_hinting=True)
    limits = font["maxp"]
    limits.maxZones = 1
    limits.maxTwilightPoints = limits.maxStorage = limits.maxFunctionDefs = limits.maxInstructionDefs = 0
    limits.maxStackElements = limits.maxSizeOfInstructions = 0
    names = font["name"]
    names.names = [
        record
        for record in names.names
        if (record.platformID, record.platEncID, record.langID) == (WINDOWS, UNICODE_BMP, ENGLISH)
        and record.nameID in NAME_IDS
    ]
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def fonts() -> tuple[str, str]:
    """(regular, bold) font names of the invoice PDF, registered once."""
    global _fonts
    if _fonts is None:
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                files = (str(regular), str(bold))
                break
        else:  # no DejaVu: reportlab's Vera, as every Piiri PDF has then (piiri/pdf_fonts.py)
            files = ("Vera.ttf", "VeraBd.ttf")
        for name, filename in zip((REGULAR, BOLD), files, strict=True):
            _objects[name] = CachedSubsetFont(name, filename)
            pdfmetrics.registerFont(_objects[name])
        _fonts = (REGULAR, BOLD)
    return _fonts


def font(name: str) -> CachedSubsetFont | None:
    """The invoice font object called ``name`` (after ``fonts()``), or None for any other name."""
    return _objects.get(name)
