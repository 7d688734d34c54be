"""Payment references (B1): the Finnish domestic reference (viitenumero, 7-3-1 check digit) and its
international RF form (ISO 11649), and the two ways Piiri makes the base of a reference (a setting).

python-stdnum has no Finnish reference (formats.md §1.3), so the 7-3-1 check is here; the RF form is
made with ``stdnum.iso7064.mod_97_10`` and checked with ``stdnum.iso11649``.
"""

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

SCHEMES = ("invoice", "payer")  # BILLING_REFERENCE_SCHEME: the invoice number, or payer number + sequence
WEIGHTS = (7, 3, 1)
MIN_BASE, MAX_BASE = 3, 19  # digits before the check digit (formats.md §1.1)


class BadReference(ValueError):
    """A reference that is not a valid Finnish or RF reference; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_digit(base: str) -> str:
    """The 7-3-1 check digit of ``base`` (3 to 19 digits), weights from the rightmost digit."""
    if not base.isdigit() or not MIN_BASE <= len(base) <= MAX_BASE:
        raise BadReference("billing.reference_base_invalid")
    total = sum(int(digit) * WEIGHTS[index % 3] for index, digit in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def national(base: str | int) -> str:
    """The Finnish reference of ``base``: the base with its check digit appended (machine format)."""
    text = str(base).lstrip("0") or "0"
    return text + check_digit(text)


def is_national(reference: str) -> bool:
    """A valid Finnish reference (spaces and the zero padding of bank files allowed)."""
    text = reference.replace(" ", "").lstrip("0")
    if not text.isdigit() or not MIN_BASE + 1 <= len(text) <= MAX_BASE + 1:
        return False
    return check_digit(text[:-1]) == text[-1]


def rf(national_reference: str) -> str:
    """The RF form of a Finnish reference: ``RF`` + ISO 7064 check digits + the reference, check digit kept
    (``10003`` -> ``RF6810003``)."""
    body = compact(national_reference)
    if not is_national(body):
        raise BadReference("billing.reference_invalid")
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def is_rf(reference: str) -> bool:
    return iso11649.is_valid(reference)


def compact(reference: str) -> str:
    """Machine format: no spaces, upper case, a domestic reference without its zero padding."""
    text = reference.replace(" ", "").upper()
    return text if text.startswith("RF") else text.lstrip("0")


def normalise(reference: str) -> str | None:
    """The Finnish reference a payment's reference stands for (an RF form of a Finnish one gives the
    Finnish one), or None when it is neither valid form."""
    text = compact(reference or "")
    if text.startswith("RF"):
        if not is_rf(text):
            return None
        body = text[4:].lstrip("0")
        return body if is_national(body) else None
    return text if is_national(text) else None


def paper(reference: str) -> str:
    """The printed form: a Finnish reference in groups of 5 from the right, an RF one in groups of 4."""
    text = compact(reference)
    if text.startswith("RF"):
        return iso11649.format(text)
    groups = []
    while text:
        groups.insert(0, text[-5:])
        text = text[:-5]
    return " ".join(groups)


def base_for(scheme: str, invoice_number: int, payer_number: int | None, payer_sequence: int | None) -> str:
    """The base (without check digit) of a new invoice's reference: ``invoice``: the invoice number;
    ``payer``: the payer's number followed by their invoice sequence in 3 digits."""
    if scheme == "invoice":
        base = str(invoice_number)
    elif scheme == "payer":
        if payer_number is None or payer_sequence is None:
            raise BadReference("billing.reference_payer_missing")
        base = f"{payer_number}{payer_sequence:03d}"
    else:
        raise BadReference("billing.reference_scheme_unknown")
    if not MIN_BASE <= len(base) <= MAX_BASE:  # invoice numbers start at 1000 (BILLING_FIRST_NUMBER)
        raise BadReference("billing.reference_base_invalid")
    return base
