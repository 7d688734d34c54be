"""Test helper: a KTL reference-payment file (formats.md §3.1) paying invoices into the test
configuration's account FI2112345600000785 (BILLING_IBAN), one record per payment."""

from datetime import date

ACCOUNT = "12345600000785"


def ktl_file(payments, prefix="T"):
    """``payments``: [(reference, cents, payer, day)], each with its own archive id."""
    records = []
    for number, (reference, cents, payer, day) in enumerate(payments):
        when = day.strftime("%y%m%d") if isinstance(day, date) else day
        archive = f"{prefix}{number:03d}{reference[-11:]:0>11}"[:16].ljust(16)
        records.append(
            f"3{ACCOUNT}{when}{when}{archive}{reference:0>20}{payer[:12]:<12}1A{cents:010d}0A ".ljust(90)
        )
    total = sum(cents for _, cents, _, _ in payments)
    header = f"0261201120047020840699{'1':<68}"
    footer = f"9{len(records):06d}{total:011d}{0:06d}{0:011d}".ljust(90)
    return "\r\n".join([header, *records, footer]).encode("latin-1")
