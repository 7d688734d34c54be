"""Cells that are safe to open in a spreadsheet: the one CSV-injection rule every CSV of Piiri follows."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula: a leading = + - @ (or tab, CR) gets a ' before it.
    None is an empty cell; E.164 phone numbers (+358…) stay readable the same way."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
