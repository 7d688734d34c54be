"""The e-invoice address and operator rules (B3), in one place for the contacts service (the payer's
contact fields) and the billing service (sending a Finvoice): an address is an OVT code (0037, the
business id's eight digits, up to five characters more) or an IBAN (checked with python-stdnum); an
operator (intermediator) is its code, 4-35 letters and digits (a bank's BIC or an operator's OVT-like
code). Both are kept compact: no spaces, upper case. ``OPERATORS`` lists the common Finnish ones."""

import re

from stdnum import iban

OVT = re.compile(r"^0037\d{8}[0-9A-Z]{0,5}$")
OPERATOR = re.compile(r"^[0-9A-Z]{4,35}$")
MAX_LENGTH = 35
# The common Finnish e-invoice operators and banks, (code, name); any other code may be typed.
OPERATORS = (
    ("003723327487", "Apix Messaging Oy"),
    ("BAWCFI22", "Basware Oyj"),
    ("003703575029", "CGI Suomi Oy"),
    ("003708599126", "Liaison Technologies Oy"),
    ("003721291126", "Maventa (Visma Solutions Oy)"),
    ("E204503", "OpusCapita Solutions Oy"),
    ("003723609900", "Pagero Oy"),
    ("003710948874", "Telia Finland Oyj"),
    ("003701011385", "Tietoevry Oyj"),
    ("HELSFIHH", "Aktia Pankki Oyj"),
    ("DABAFIHH", "Danske Bank Oyj"),
    ("HANDFIHH", "Handelsbanken"),
    ("NDEAFIHH", "Nordea Pankki Oyj"),
    ("OKOYFIHH", "OP Ryhmä"),
    ("POPFFI22", "POP Pankki"),
    ("SBANFIHH", "S-Pankki Oyj"),
    ("ITELFIHH", "Säästöpankit"),
    ("AABAFI22", "Ålandsbanken Abp"),
)


def compact(value: object) -> str:
    """The value without spaces, upper case ('' for none)."""
    return re.sub(r"\s+", "", str(value or "")).upper()


def valid_address(value: str) -> bool:
    """Whether a compact value is an OVT code or an IBAN."""
    return bool(OVT.match(value)) or iban.is_valid(value)


def valid_operator(value: str) -> bool:
    """Whether a compact value is an operator's code."""
    return bool(OPERATOR.match(value))


def operator_name(code: str | None) -> str | None:
    """The name of a listed operator, else None."""
    return dict(OPERATORS).get(compact(code)) if code else None
