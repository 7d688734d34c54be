"""Q1: who of a group can be a survey participant (services/contacts/survey_recipients/rules.py)."""

from services.contacts.survey_recipients.rules import recipient


def test_q1_only_members_with_an_email_who_have_not_opted_out_and_are_alive():
    row = {
        "id": "c1",
        "first_name": "Anna",
        "preferred_name": "Annu",
        "last_name": "Aalto",
        "email": " a@x.fi ",
    }
    assert recipient(row, False, 42) == {
        "id": "c1",
        "first_name": "Annu",
        "last_name": "Aalto",
        "email": "a@x.fi",
        "language": "fi",
        "member_number": "42",
    }
    assert recipient({**row, "email": ""}, False, None) == {"id": "c1", "skipped": "no_email"}
    assert recipient(row, True, None) == {"id": "c1", "skipped": "opted_out"}
    assert recipient({**row, "deceased_on": "2026-01-01"}, False, None) == {"id": "c1", "skipped": "deceased"}
