"""Taking a bank file (B4): read it whole (a bad file records nothing), check it is for one of our
accounts, record each payment once by archive id, match each new one. One transaction per file."""

from services.billing.bank_files import matching, reading, storage
from services.billing.bank_files.errors import BankFileError


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
    counts = {"new": 0, "duplicate": 0, "matched": 0, "unmatched": 0}
    for payment in found:
        row = storage.insert_payment(
            session,
            {
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
                "status": "unmatched",
            },
        )
        if row is None:
            counts["duplicate"] += 1
            continue
        counts["new"] += 1
        outcome = matching.match_by_reference(session, outbox, row)
        counts["matched" if outcome == "matched" else "unmatched"] += 1
    storage.set_file_counts(session, bank_file["id"], counts["new"], counts["duplicate"])
    return {"file": bank_file, **counts}
