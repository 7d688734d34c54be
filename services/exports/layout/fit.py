"""Fitting text into a box with reportlab's font metrics (I2): one font size for a block of lines that
fits the width and height (shrinking, never growing), clipping with an ellipsis below the smallest size,
and word wrapping for table cells."""

from reportlab.pdfbase.pdfmetrics import stringWidth

ELLIPSIS = "…"
LEADING = 1.2  # line height as a multiple of the font size


def fit_size(lines, font, size, width, height=None, min_size=6.0, leading=LEADING):
    """The largest size up to `size` (not below `min_size`) at which every line is at most `width` points
    wide and the lines together (with `leading`) at most `height` points high."""
    widest = max((stringWidth(line, font, 1) for line in lines), default=0)
    if widest > 0:
        size = min(size, width / widest)
    if height is not None and lines:
        size = min(size, height / (len(lines) * leading))
    return max(size, min_size)


def clip(text, font, size, width):
    """`text` cut with an ellipsis so that it is at most `width` points wide at `size`."""
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _break_word(word, font, size, width):
    """A word too long for one line, cut into pieces that fit."""
    pieces, piece = [], ""
    for char in word:
        if piece and stringWidth(piece + char, font, size) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return pieces + ([piece] if piece else [])


def wrap(text, font, size, width, max_lines=None):
    """`text` word-wrapped into lines at most `width` points wide (explicit line breaks kept; a word longer
    than a line is broken); with `max_lines`, the last kept line ends with an ellipsis if text was cut."""
    lines = []
    space = stringWidth(" ", font, size)
    for paragraph in str(text).splitlines() or [""]:
        line, line_width = "", 0.0
        for word in paragraph.split():
            word_width = stringWidth(word, font, size)
            if line and line_width + space + word_width <= width:
                line, line_width = f"{line} {word}", line_width + space + word_width
                continue
            if line:
                lines.append(line)
            if word_width <= width:
                line, line_width = word, word_width
            else:
                *full, line = _break_word(word, font, size, width)
                lines.extend(full)
                line_width = stringWidth(line, font, size)
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = clip(lines[-1] + " " + ELLIPSIS, font, size, width)
    return lines
