"""Issue 11 item 6 with G3, G4: which dead letters name a person, which ids an operator's read is about,
and what an erasure keeps of a dead-lettered audit record (pure parts of piiri/dead_letters.py and
services/audit/erasure.py)."""

import json

from piiri import dead_letters
from services.audit.erasure import _redacted_letter

PERSON = "5f0c1f36-3c1e-4f39-a6a4-2a52b2bb0c77"
OTHER = "9d2ee7a1-3c55-4c53-8f31-4a9f3a7d2a10"
LETTER_ID = "0b5a3c56-59a4-4d8e-9b61-0f8f6a0c1a11"


def letter(body="", error=None, headers=None, queue=dead_letters.DEAD_LETTERS.name):
    return {
        "id": LETTER_ID,
        "dead_letter_queue": queue,
        "body": body,
        "error": error,
        "headers": headers or {},
    }


def test_g3_a_letter_names_a_person_by_id_in_body_error_or_header_in_any_case():
    assert dead_letters.names(letter(json.dumps({"contact_id": PERSON})), PERSON)
    assert dead_letters.names(letter(error=f"contact {PERSON.upper()} is locked"), PERSON)
    assert dead_letters.names(letter(headers={"x-subject": PERSON}), PERSON.upper())
    assert not dead_letters.names(letter(json.dumps({"contact_id": OTHER})), PERSON)


def test_issue_11_the_subjects_of_an_operators_read_are_the_ids_in_the_letters_but_their_own():
    found = dead_letters.subject_ids(
        [letter(json.dumps({"contact_id": PERSON.upper()}), error=f"with {OTHER}", headers={"id": LETTER_ID})]
    )
    assert found == sorted([PERSON, OTHER])


def test_g4_an_erased_persons_dead_lettered_audit_record_is_kept_redacted_other_letters_go():
    audit = dead_letters.AUDIT_DEAD_LETTERS.name
    record = {"action": "contact.searched", "subject_ids": [PERSON], "details": {"query": "Name", "count": 1}}
    kept = json.loads(_redacted_letter(letter(json.dumps(record), queue=audit)))
    assert kept["details"] == {"count": 1, "redacted": ["query"]} and kept["subject_ids"] == [PERSON]
    clean = json.dumps({**record, "details": {"count": 1}})
    assert _redacted_letter(letter(clean, queue=audit)) == clean  # nothing to redact: kept as it is
    assert _redacted_letter(letter("not json", queue=audit)) is None
    assert _redacted_letter(letter(json.dumps(record))) is None  # not an audit record: removed
