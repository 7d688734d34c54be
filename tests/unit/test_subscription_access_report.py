"""M3: a subscription through a list's form in the access report's PDF, in words (its part, its fields, its
state), as the mailing service's personal_data gives it."""

import io

import pypdf

from services.contacts.access_report import pdf as access_pdf


def test_m3_the_access_report_pdf_words_a_subscription():
    """M3: a pending subscription in the access report's PDF: its part, fields and state in words."""
    row = {
        "list_name": "Uutiskirje", "status": "pending", "email": "pia@example.fi", "first_name": "Pia",
        "last_name": None, "language": "fi", "consent_version": 2, "created_at": "2026-12-07T10:00:00+00:00",
        "expires_at": "2026-12-09T10:00:00+00:00", "confirmed_at": None,
    }  # fmt: skip
    report = {
        "display_name": "Pia", "generated_at": "2026-12-07T11:00:00+00:00", "generated_by": "dpo",
        "services": {"mailing": {"mailing_subscriptions": [row]}},
    }  # fmt: skip
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(access_pdf.render(report, "fi"))).pages
    )
    assert "Postituslistojen tilaukset lomakkeella" in text and "odottaa vahvistusta" in text
    assert "suostumustekstin versio" in text.lower() and "list_name" not in text and "pending" not in text
