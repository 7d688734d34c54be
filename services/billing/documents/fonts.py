"""The invoice PDF's fonts (B2): DejaVu Sans like every Piiri PDF (piiri/pdf_fonts.py), registered a second
time for the invoices as fonts whose embedded subsets are made once and reused.

reportlab embeds, in every document, a subset of each TrueType font with the characters the document
used, in the order it first used them: building that subset, its width table and its ToUnicode map and
deflating them was about half of an invoice PDF's CPU (4 of 8 ms). An invoice therefore first ``seed``s
both fonts with a fixed set of characters (ASCII and the Finnish and Swedish letters, in a fixed order),
so that almost every invoice has the very same subset; ``CachedSubsetFont`` keeps the deflated font file
and ToUnicode map of each subset it has made and puts them into the next document as they are. A name
with other characters (ü, ł, Cyrillic) makes a subset of its own, cached too (at most ``CACHE`` of
them). The PDF is the same to a reader: the embedded font is a valid subset with every glyph the page
uses, and text extraction works through the ToUnicode map.
"""

import zlib
from collections import OrderedDict

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap

from piiri.pdf_fonts import FONT_DIRS

REGULAR, BOLD = "PiiriInvoiceSans", "PiiriInvoiceSans-Bold"
SEED = "".join(chr(code) for code in range(32, 127)) + "ÄÖÅäöåÉéÜü€–—§½"
CACHE = 64
_fonts: tuple[str, str] | None = None


class CachedSubsetFont(TTFont):
    """A TrueType font whose subsets' deflated font file and ToUnicode map are made once per subset."""

    def __init__(self, name, filename):
        super().__init__(name, filename)
        self.made: OrderedDict = OrderedDict()

    def _parts(self, subset, base_name):
        key = (tuple(subset), base_name)
        found = self.made.get(key)
        if found is None:
            font_file = self.face.makeSubset(subset)
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

    def addObjects(self, doc):
        """As TTFont.addObjects (reportlab 5.1), with each subset's streams from the cache, deflated."""
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        face = self.face
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            font_file, length, cmap, widths = self._parts(subset, base_name)

            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = pdfdoc.PDFArray(widths)
            pdf_font.ToUnicode = doc.Reference(_deflated(cmap), "toUnicodeCMap:" + base_name)
            pdf_font.FontDescriptor = self._descriptor(doc, base_name, font_file, length)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]

    def _descriptor(self, doc, base_name, font_file, length):
        """As TTFontFace.addSubsetObjects, with the font file already deflated."""
        face = self.face
        stream = _deflated(font_file)
        stream.dictionary["Length1"] = length
        reference = doc.Reference(stream, f"fontFile:{face.filename}({base_name})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(base_name),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": reference,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + base_name)


def _deflated(content):
    """A stream whose content is already deflated (reportlab leaves a stream with a Filter as it is)."""
    stream = pdfdoc.PDFStream()
    stream.content = content
    stream.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
    return stream


def fonts() -> tuple[str, str]:
    """(regular, bold) font names of the invoice PDF, registered once."""
    global _fonts
    if _fonts is None:
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                pdfmetrics.registerFont(CachedSubsetFont(REGULAR, str(regular)))
                pdfmetrics.registerFont(CachedSubsetFont(BOLD, str(bold)))
                _fonts = (REGULAR, BOLD)
                break
        else:  # no DejaVu: the common fonts (Vera) as every Piiri PDF has them
            from piiri.pdf_fonts import fonts as common

            _fonts = common()
    return _fonts


def seed(page) -> None:
    """Give both fonts the fixed characters first, in a fixed order: the invoice's subsets are then the
    same as those of the invoices before it (and come from the cache)."""
    for name in fonts():
        font = pdfmetrics.getFont(name)
        if isinstance(font, CachedSubsetFont):
            font.splitString(SEED, page._doc)
