"""I2 + M5 "flags everywhere … exports and label previews": the export form's address label preview
(exports/new.html) shows the first sheet's labels with each flagged contact's warning, its reason and
day, beside their label (one flags look-up for the page), and nothing beside an unflagged one; the Preview
button is offered for labels only."""

import re

from gateway.exports.web import preview_grid
from gateway.tests.test_mailing_flags_unit import BOUNCED, UNSUBSCRIBED, text_of
from gateway.tests.test_web_unit import page_context
from gateway.web_helpers import render_html
from services.exports.contract.formats import get_format

ANNA = "aaaaaaaa-2222-3333-4444-555555555555"
BO = "bbbbbbbb-2222-3333-4444-555555555555"
CIA = "cccccccc-2222-3333-4444-555555555555"

PREVIEW = {
    "sheet": {"key": "3x7", "columns": 3, "rows": 7, "per_page": 21, "label": "3×7, 70 × 42.3 mm"},
    "skip": 1,
    "labels": [
        {"slot": 1, "contact_id": ANNA, "couple": False, "lines": ["Anna Aalto", "Katu 1", "00100 HELSINKI"]},
        {"slot": 2, "contact_id": BO, "couple": True, "lines": ["Bo ja Cia Berg", "Tie 2", "00200 ESPOO"]},
        {"slot": 3, "contact_id": CIA, "couple": False, "lines": ["Cia Ek", "Polku 3", "00300 VANTAA"]},
    ],
    "counts": {"labels": 3, "pages": 1, "skipped_no_address": 2, "skipped_couple_partner": 1},
}


def render(export_format="labels", preview=PREVIEW, flags=None, asked=None):
    def mailing_flags_of(ids):
        if asked is not None:
            asked.append(list(ids))
        return flags or {}

    chosen = get_format(export_format)
    return render_html(
        "exports/new.html",
        "fi",
        **page_context(),
        mailing_flags_of=mailing_flags_of,
        errors=[],
        selection={
            "kind": "search",
            "query": "x",
            "filters": {},
            "exclude_deceased": True,
            "exclude_statuses": [],
        },
        selection_json="{}",
        selection_text="Haku x",
        selection_args=[],
        formats=[("labels", "Osoitetarrat"), ("csv", "CSV")],
        format=chosen,
        options=[],
        standard_columns=[],
        custom_columns=[],
        chosen_columns=set(),
        status_kinds=[],
        preview=preview,
        preview_rows=preview_grid(preview),
    )


def labels_of(page):
    return {
        key: text_of(body)
        for key, body in re.findall(
            r'<li class="label-cell" data-contact-id="([^"]+)"[^>]*>(.*?)</li>', page, re.S
        )
    }


def test_m5_a_flagged_contact_s_label_shows_the_warning_with_reason_and_day_and_others_none():
    asked = []
    page = render(flags={ANNA: [BOUNCED], CIA: [UNSUBSCRIBED]}, asked=asked)
    assert asked == [[ANNA, BO, CIA]]  # one look-up for the page, in label order
    shown = labels_of(page)
    assert shown[ANNA] == "Anna Aalto Katu 1 00100 HELSINKI ⚠ Sähköposti palautui 3.12.2026"
    assert shown[CIA] == "Cia Ek Polku 3 00300 VANTAA ⚠ Peruutti tilauksen 1.12.2026"
    assert shown[BO] == "Bo ja Cia Berg Tie 2 00200 ESPOO" and "⚠" not in shown[BO]
    assert list(shown) == [ANNA, BO, CIA]  # print order


def test_i2_the_preview_shows_the_counts_and_the_sheet_as_it_prints():
    page = render()
    counts = dict(re.findall(r'<dd data-count="(\w+)">(\d+)</dd>', page))
    assert counts == {"labels": "3", "pages": "1", "skipped_no_address": "2", "skipped_couple_partner": "1"}
    assert 'class="label-sheet label-sheet-3"' in page
    # slot 0 is skipped (a label used already) and slots 4…20 stay empty: 21 cells in all
    assert page.count('class="label-cell') == 21 and page.count('class="label-cell label-empty"') == 18
    assert "mailing-flag" not in page  # no one flagged, no mark


def test_i2_preview_grid_places_labels_in_their_slots():
    rows = preview_grid(PREVIEW)
    assert len(rows) == 7 and all(len(row) == 3 for row in rows)
    assert [cell and cell["contact_id"] for cell in rows[0]] == [None, ANNA, BO]
    assert rows[1][0]["contact_id"] == CIA and preview_grid(None) == []


def test_i2_the_preview_button_is_for_labels_only_and_no_preview_no_section():
    assert 'id="export-preview" formaction="/exports/preview#label-preview"' in render(preview=None)
    csv_page = render("csv", preview=None)
    assert 'id="export-preview"' not in csv_page and 'id="label-preview"' not in csv_page
    empty = {**PREVIEW, "labels": [], "counts": {**PREVIEW["counts"], "labels": 0}}
    assert 'id="label-preview-none"' in render(preview=empty)
