"""A reportlab canvas for long streamed PDFs (I2): reportlab keeps every finished page until it saves the
file, as uncompressed drawing commands (some 25 KB for a full table page); this canvas compresses each
page's content as soon as the page is finished, so memory grows only by the compressed size of the pages
(what the file itself will hold), not by their drawing commands, and no row is kept."""

import zlib

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas

FLATE = PDFArray([PDFName("FlateDecode")])


class CompactCanvas(Canvas):
    def __init__(self, out, **kwargs):
        kwargs.setdefault("pageCompression", 1)
        super().__init__(out, **kwargs)
        self.setCreator("Piiri")

    def showPage(self):
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if page.stream and not page.Contents:
            content = page.stream.encode("utf-8") if isinstance(page.stream, str) else page.stream
            stream = PDFStream(PDFDictionary({"Filter": FLATE}), zlib.compress(content, 6), filters=[])
            stream.__Comment__ = "page stream"
            page.Contents, page.stream = stream, None
