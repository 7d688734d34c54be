"""Which parser a bank file needs (B4): camt.054/053 XML or the KTL reference-payment file, told by its
content, not its name; anything else is refused as a wrong file type."""

from services.billing.bank_files import camt, ktl
from services.billing.bank_files.errors import BankFileError
from services.billing.bank_files.payment import BankPayment

MAX_BYTES = 50 * 1024 * 1024


def read(data: bytes, file_name: str) -> tuple[str, list[BankPayment]]:
    """(format, payments): format is ``camt`` or ``ktl``."""
    if not data:
        raise BankFileError("billing.bank_file_empty", file_name)
    if len(data) > MAX_BYTES:
        raise BankFileError("billing.bank_file_too_large", file_name)
    if camt.looks_like_camt(data):
        return "camt", camt.parse(data, file_name)
    if ktl.looks_like_ktl(data):
        return "ktl", ktl.parse(data, file_name)
    raise BankFileError("billing.bank_file_unknown_type", file_name)
