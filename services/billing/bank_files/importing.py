"""Taking a bank file (B4): read it whole (a bad file records nothing), check it is for one of our
accounts, record each payment once by archive id, match the new ones. One transaction per file, one bank
file at a time; the writes are set-based (one read of the invoices, COPY of the payments and the events,
one UPDATE of the invoices), so 100,000 payments take seconds (bench/bank_file_bench.py)."""

import uuid

from services.billing.bank_files import matching, reading, storage
from services.billing.bank_files.errors import BankFileError
from services.billing.invoices import storage as invoice_storage


def import_file(session, outbox, settings, file_name, data, username):
    """{"file": the bank file row, "new", "duplicate", "matched", "unmatched"}; BankFileError if refused."""
    file_format, found = reading.read(data, file_name)
    for payment in found:
        if not settings.takes_account(payment.account):
            raise BankFileError(
                "billing.bank_file_unknown_account",
                file_name,
                account=payment.account,
                element=payment.location,
            )
    storage.lock_bank_imports(session)
    bank_file = storage.insert_file(
        session,
        {
            "file_name": file_name[:200],
            "format": file_format,
            "actor_username": username,
            "payments_new": 0,
            "payments_duplicate": 0,
        },
    )
    recorded = storage.recorded_archive_ids(session, [payment.archive_id for payment in found])
    new = []
    for payment in found:
        if payment.archive_id in recorded:
            continue
        recorded.add(payment.archive_id)  # the same archive id twice in one file: recorded once
        new.append(
            {
                "id": uuid.uuid4(),
                "archive_id": payment.archive_id,
                "bank_file_id": bank_file["id"],
                "account": payment.account,
                "booked_on": payment.booked_on,
                "paid_on": payment.paid_on,
                "amount": payment.amount,
                "reference": payment.reference,
                "reference_source": payment.reference_source,
                "payer_name": payment.payer_name,
                "payer_iban": payment.payer_iban,
                "location": payment.location,
            }
        )
    decided = matching.match_file(session, new)
    storage.copy_payments(session, decided.payments)
    invoice_storage.write_payments(session, decided.invoices)
    outbox.events(session, "invoice_paid", decided.paid_events)
    outbox.events(session, "payment_unmatched", decided.unmatched_events)
    storage.set_file_counts(session, bank_file["id"], len(new), len(found) - len(new))
    matched = decided.matched
    return {
        "file": bank_file,
        "new": len(new),
        "duplicate": len(found) - len(new),
        "matched": matched,
        "unmatched": len(new) - matched,
    }
