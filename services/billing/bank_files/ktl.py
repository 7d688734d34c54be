"""The Finnish reference-payment file (B4; "Saapuvat viitemaksut", KTL/SVM; formats.md §3.1): fixed
90-character records, batches of a header (0), payments (3, or 5 for direct debits) and a sum record
(9) that must agree with them. Anything else is refused naming the file and line; nothing is taken
from a file that is not whole."""

from datetime import date
from decimal import Decimal

from services.billing.bank_files.errors import BankFileError
from services.billing.bank_files.payment import BankPayment

RECORD = 90


def _date(text: str, file_name: str, line: int) -> date:
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise BankFileError("billing.bank_file_bad_date", file_name, line=line) from None


def _number(text: str, file_name: str, line: int) -> int:
    if not text.isdigit():
        raise BankFileError("billing.bank_file_bad_number", file_name, line=line)
    return int(text)


def looks_like_ktl(data: bytes) -> bool:
    return data[:1] == b"0" and data[:6].isdigit()


def parse(data: bytes, file_name: str) -> list[BankPayment]:
    """Every payment of the file; a file whose records or sums are not right is refused whole."""
    try:
        text = data.decode("iso-8859-1")
    except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
        raise BankFileError("billing.bank_file_encoding", file_name) from None
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise BankFileError("billing.bank_file_empty", file_name)
    payments: list[BankPayment] = []
    batch: list[BankPayment] | None = None
    for number, line in enumerate(lines, start=1):
        record = line.rstrip("\r")
        if len(record) > RECORD:  # shorter ones were trimmed of trailing spaces; a cut field fails below
            raise BankFileError("billing.bank_file_bad_record_length", file_name, line=number)
        record = record.ljust(RECORD)
        kind = record[0]
        if kind == "0":
            if batch is not None:
                raise BankFileError("billing.bank_file_batch_not_closed", file_name, line=number)
            batch = []
        elif kind in "35":
            if batch is None:
                raise BankFileError("billing.bank_file_record_outside_batch", file_name, line=number)
            if kind == "5":
                continue  # direct debits are not payments to an invoice
            batch.append(_payment(record, file_name, number))
        elif kind == "9":
            if batch is None:
                raise BankFileError("billing.bank_file_record_outside_batch", file_name, line=number)
            _check_sums(record, batch, file_name, number)
            payments.extend(batch)
            batch = None
        else:
            raise BankFileError("billing.bank_file_unknown_record", file_name, line=number)
    if batch is not None:
        raise BankFileError("billing.bank_file_truncated", file_name, line=len(lines))
    return payments


def _payment(record: str, file_name: str, line: int) -> BankPayment:
    cents = _number(record[77:87], file_name, line)
    correction = record[87] == "1"
    if cents == 0:
        raise BankFileError("billing.bank_file_zero_amount", file_name, line=line)
    amount = Decimal(cents) / 100
    reference = record[43:63].strip().lstrip("0")
    _number(record[43:63], file_name, line)
    _number(record[1:15], file_name, line)
    name = record[63:75].strip()
    return BankPayment(
        archive_id=record[27:43].strip(),
        account=record[1:15],
        booked_on=_date(record[15:21], file_name, line),
        paid_on=_date(record[21:27], file_name, line),
        amount=(-amount if correction else amount).quantize(Decimal("0.01")),
        reference=reference or None,
        reference_source="structured" if reference else "none",
        payer_name=name or None,
        payer_iban=None,
        location=f"line {line}",
    )


def _check_sums(record: str, batch: list[BankPayment], file_name: str, line: int) -> None:
    count = _number(record[1:7], file_name, line)
    total = _number(record[7:18], file_name, line)
    corrections = _number(record[18:24], file_name, line)
    correction_total = _number(record[24:35], file_name, line)
    paid = [payment for payment in batch if payment.amount > 0]
    reversed_ = [payment for payment in batch if payment.amount < 0]
    if (
        count != len(paid)
        or total != sum(int(payment.amount * 100) for payment in paid)
        or corrections != len(reversed_)
        or correction_total != -sum(int(payment.amount * 100) for payment in reversed_)
    ):
        raise BankFileError("billing.bank_file_sum_mismatch", file_name, line=line)
