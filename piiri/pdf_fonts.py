"""The fonts every Piiri PDF is set in: DejaVu Sans (Debian's fonts-dejavu-core), registered once with
reportlab as PiiriSans / PiiriSans-Bold, so Finnish, Swedish and Cyrillic letters print. Without DejaVu,
reportlab's own Vera is used (Latin-1 only) and a warning is logged.
"""

import logging
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
REGULAR, BOLD = "PiiriSans", "PiiriSans-Bold"
_fonts: tuple[str, str] | None = None


def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered once."""
    global _fonts
    if _fonts is None:
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
                pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
                break
        else:
            log.warning("PDF fonts: DejaVu Sans not found (apt-get install fonts-dejavu-core); using Vera")
            pdfmetrics.registerFont(TTFont(REGULAR, "Vera.ttf"))
            pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
        _fonts = (REGULAR, BOLD)
    return _fonts
