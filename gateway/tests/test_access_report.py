"""G3 unit tests: assembling the access report from each service's answer, its JSON file, and the PDF
with Finnish and Cyrillic names (read back with pypdf); the confirmation's typed-name check (G4)."""

import io
import json
from datetime import UTC, date, datetime

import pypdf
import pytest

from gateway import access_pdf, access_report
from gateway.web_gdpr import same_name
from piiri.errors import NotFound

CONTACT_ID = "0d4f7a52-9a7e-4b6e-8d0e-5c7f1f3b9e21"


def fake_call(answers, asked):
    def call(service, method, contact_id):
        asked.append((service, method, contact_id))
        answer = answers[service]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return call


def answers():
    return {
        "contacts": {
            "service": "contacts",
            "contact_id": CONTACT_ID,
            "display_name": "Åsa Жукова-Äijälä",
            "sections": {
                "contact": {
                    "first_name": "Åsa",
                    "last_name": "Жукова-Äijälä",
                    "birth_date": date(1980, 2, 29),
                },
                "names": [{"kind": "native", "last_name": "Жукова"}],
                "memberships": [],
            },
        },
        "audit": {
            "service": "audit",
            "contact_id": CONTACT_ID,
            "sections": {
                "events": [
                    {
                        "occurred_at": datetime(2026, 11, 25, 12, tzinfo=UTC),
                        "action": "contact.viewed",
                        "actor": "anna",
                    }
                ]
                * 120,
                "truncated": False,
            },
        },
    }


def test_g3_report_asks_contacts_first_then_each_service_with_the_resolved_id():
    asked = []
    report = access_report.gather(fake_call(answers(), asked), "old-merged-id", ["contacts", "audit"], "dpo")
    assert asked == [("contacts", "personal_data", "old-merged-id"), ("audit", "personal_data", CONTACT_ID)]
    assert report["schema_version"] == 1 and report["generated_by"] == "dpo"
    assert report["contact_id"] == CONTACT_ID and list(report["services"]) == ["contacts", "audit"]
    assert report["services"]["audit"]["events"][0]["action"] == "contact.viewed"


def test_g3_an_unknown_person_asks_no_other_service_and_a_failing_service_fails_the_report():
    asked = []
    with pytest.raises(NotFound):
        access_report.gather(
            fake_call({"contacts": NotFound("no")}, asked), "x", ["contacts", "audit"], "dpo"
        )
    assert [service for service, _, _ in asked] == ["contacts"]
    broken = {**answers(), "audit": RuntimeError("down")}
    with pytest.raises(RuntimeError):
        access_report.gather(fake_call(broken, []), CONTACT_ID, ["contacts", "audit"], "dpo")


def test_g3_json_file_is_utf8_with_dates_as_text():
    report = access_report.gather(fake_call(answers(), []), CONTACT_ID, ["contacts", "audit"], "dpo")
    data = access_report.as_json(report)
    assert "Жукова-Äijälä".encode() in data  # not \\u escapes
    loaded = json.loads(data)
    assert loaded["services"]["contacts"]["contact"]["birth_date"] == "1980-02-29"
    assert access_report.file_name(report, "json").startswith(f"access-report-{CONTACT_ID}-")


@pytest.mark.parametrize(
    ("language", "title", "section", "page"),
    [
        ("fi", "Tietopyyntö: Åsa Жукова-Äijälä", "Palvelu: audit", "Sivu 2"),
        ("en", "Access report: Åsa", "Service: contacts", "Page 1"),
    ],
)
def test_g3_pdf_has_the_name_in_finnish_and_cyrillic_a_section_per_service_and_page_numbers(
    language, title, section, page
):
    report = access_report.gather(fake_call(answers(), []), CONTACT_ID, ["contacts", "audit"], "dpo")
    pdf = access_pdf.render(report, language)
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2  # 120 log events do not fit one page
    text = " ".join(p.extract_text() for p in reader.pages)
    assert title in text and section in text and page in text
    assert "Жукова" in text and "contact.viewed" in text


def test_g4_typed_name_must_match_ignoring_case_and_spaces():
    assert same_name("  åsa   жукова ", "Åsa Жукова")
    assert not same_name("Åsa", "Åsa Жукова")
    assert not same_name(None, "Åsa")
