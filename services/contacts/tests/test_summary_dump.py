"""dump_summaries (contract.py) gives exactly what the ContactSummary schema dumps, on generated list rows
of every shape a search page has (issue 18: the schema took most of a page's own Python time)."""

import random
import uuid
from datetime import date

from services.contacts.contract import ContactSummary, dump_summaries

SCHEMA = ContactSummary()


def _row(rng):
    person = rng.random() < 0.8
    return {
        "id": uuid.UUID(int=rng.getrandbits(128)),
        "kind": "person" if person else "organisation",
        "display_name": rng.choice(["Äijälä Aino", "Oy Yritys Ab", "", "Ng Li"]),
        "email": rng.choice([None, "aino@example.fi", "ÅSA@esimerkki.fi"]),
        "phone": rng.choice([None, "+358401234567"]),
        "city": rng.choice([None, "Helsinki", "Mariehamn", ""]),
        "birth_date": rng.choice([None, date(1931, 2, 28), date(2004, 12, 31)]),
        "deceased_on": rng.choice([None, date(2026, 1, 2)]),
        "active_statuses": rng.choice([[], ["member"], ["board", "honorary_member"], None]),
    }


def test_dump_summaries_equals_the_schema_on_generated_rows():
    rng = random.Random(18)
    for size in (0, 1, 25, 100):
        rows = [_row(rng) for _ in range(size)]
        assert dump_summaries(rows) == SCHEMA.dump(rows, many=True)


def test_a_row_of_another_shape_goes_through_the_schema():
    row = {**_row(random.Random(1)), "extra": "not a summary field"}
    partial = {"id": uuid.uuid4(), "kind": "person", "display_name": "Aino"}
    assert dump_summaries([row]) == SCHEMA.dump([row], many=True)
    assert dump_summaries([partial]) == SCHEMA.dump([partial], many=True)
    assert "extra" not in dump_summaries([row])[0]
