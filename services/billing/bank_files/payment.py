"""A payment as a bank file states it (B4), whatever the format: what the parsers return and the matcher
and storage take."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class BankPayment:
    archive_id: str  # the bank's archive id (KTL arkistointitunnus, camt AcctSvcrRef): payments dedupe on it
    account: str  # the payee account as the file names it: an IBAN, or a KTL's 14-digit BBAN
    booked_on: date
    paid_on: date | None
    amount: Decimal  # negative for a correction (KTL oikaisu, camt reversal)
    reference: str | None  # as given (structured), or found in the free text
    reference_source: str  # "structured", "free_text" or "none"
    payer_name: str | None
    payer_iban: str | None
    location: str  # "line 2" / "Ntry 3": where in the file, for messages and the manual queue
