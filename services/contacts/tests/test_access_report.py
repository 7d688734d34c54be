"""G3 unit tests: assembling the access report from each service's answer, its JSON file, and the PDF
with Finnish and Cyrillic names (read back with pypdf), all made by the contacts service (issue 11
item 2: the service that owns G3 writes the file)."""

import io
import json
from datetime import UTC, date, datetime

import pypdf
import pytest

from piiri.errors import NotFound
from services.contacts.access_report import pdf as access_pdf
from services.contacts.access_report import report as access_report
from services.contacts.access_report.words import Translator

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
        ("fi", "Tietopyyntö: Åsa Жукова-Äijälä", "Palvelu: Tapahtumaloki", "Sivu 2"),
        ("sv", "Registerutdrag: Åsa", "Tjänst: Kontakter", "Sida 1"),
        ("en", "Access report: Åsa", "Service: Contacts", "Page 1"),
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
    assert "Жукова" in text and "contact.viewed" not in text and CONTACT_ID not in text
    viewed = {"fi": "katseli", "sv": "visade", "en": "viewed"}[language]
    assert viewed in text  # the audit action in words
    born = {"fi": "29.2.1980", "sv": "29.2.1980", "en": "1980-02-29"}[language]
    assert born in text and "2026-11-25T" not in text  # dates and times for people, in local time
    assert {"fi": "klo 14.00", "sv": "kl. 14.00", "en": "14:00"}[language] in text  # 12 UTC in Helsinki


def test_g3_issue11_the_reports_words_are_its_catalogs_in_three_languages():
    assert Translator("fi")("gdpr.part.consents") == "Suostumukset"
    assert Translator("sv")("gdpr.part.consents") == "Samtycken"
    assert Translator("en")("gdpr.pdf.page", page=3) == "Page 3"
    assert Translator("xx").language == "fi" and Translator("en")("no.such.key") == "no.such.key"
