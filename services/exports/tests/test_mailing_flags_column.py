"""M5 flags everywhere, in exports: the "mailing flags" column's cells (services/exports/mailing_flags.py)
say the reason and the day in the export's language, asked once per page in calls of at most 1,000 ids."""

from services.exports import columns, mailing_flags
from services.exports.contract.rows import STANDARD_COLUMNS

BOUNCED = {"kind": "bounced", "since": "2026-12-03T10:15:00+00:00", "list_id": "l1"}
UNSUBSCRIBED = {"kind": "unsubscribed", "since": "2026-11-30T08:00:00+00:00", "list_id": "l1"}


def test_m5_the_cell_says_the_reason_and_the_day():
    assert mailing_flags.cell([BOUNCED], "fi") == "Sähköposti palautui 3.12.2026"
    assert mailing_flags.cell([BOUNCED, UNSUBSCRIBED], "sv").startswith("E-posten studsade 3.12.2026; ")
    assert "Avslutade prenumerationen" in mailing_flags.cell([BOUNCED, UNSUBSCRIBED], "sv")
    assert mailing_flags.cell([UNSUBSCRIBED], "en").startswith("Unsubscribed ")
    assert mailing_flags.cell([], "fi") is None and mailing_flags.cell(None, "fi") is None


def test_m5_a_page_is_asked_in_calls_of_at_most_1000_ids():
    asked = []

    def flags_of(ids):
        asked.append(len(ids))
        return {"c1": [BOUNCED]} if "c1" in ids else {}

    items = [{"id": f"c{n}"} for n in range(2000)]
    mailing_flags.add_flags(items, flags_of, "fi")
    assert asked == [1000, 1000]
    assert items[1]["mailing_flags"] == "Sähköposti palautui 3.12.2026" and items[0]["mailing_flags"] is None


def test_m5_the_column_is_a_standard_text_column_with_the_uis_words():
    assert STANDARD_COLUMNS["mailing_flags"] == (
        "Postituksen estot",
        "Utskicksspärrar",
        "Mailing flags",
        "text",
    )
    assert mailing_flags.wanted(["display_name", "mailing_flags"]) and not mailing_flags.wanted(["email"])
    column = columns.resolve(["mailing_flags"], {})[0]
    row = {"id": "c1", "mailing_flags": "Sähköposti palautui 3.12.2026"}
    assert columns.text_value(row, column, "fi") == "Sähköposti palautui 3.12.2026"
