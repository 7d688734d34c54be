"""The address label preview (I2, M5 "flags everywhere … exports and label previews"): before the PDF is
made, the first sheet's labels as they will print and the whole export's counts (labels, pages, rows left
out for having no usable address and couple partners addressed once).

It walks the rows through the same plan as the PDF (services/exports/layout/labels.py ``label_plan``,
with the format's own option loading and address choices), so the preview and the file cannot disagree
about who is on which label. Only the first sheet's labels are kept; the rest of the rows are only
counted.
"""

from services.exports.formats.labels import address_options, label_sheet
from services.exports.layout.address import CoupleFilter
from services.exports.layout.labels import LabelCounts, label_plan


def label_preview(rows, options, language):
    """{"sheet": {key, columns, rows, per_page, label}, "skip", "labels": [{"slot", "contact_id",
    "couple" (addressed as a couple), "lines"}] of the first sheet in print order, "counts": {labels,
    pages, skipped_no_address, skipped_couple_partner}, "named_ids": the contacts the first sheet's
    labels name (a couple's address name names both partners)} for ``rows`` with the labels format's
    loaded ``options``."""
    sheet = label_sheet(options)
    counts = LabelCounts()
    first_sheet, named = [], []
    address = address_options(options)
    couples = CoupleFilter(address.one_per_couple)  # only its rule for a couple's label (as_couple)
    for page, slot, row, lines in label_plan(
        rows, sheet, counts, skip=options["skip"], address=address, language=language
    ):
        if page == 0:
            couple = row["couple"] if couples.as_couple(row) else {}
            first_sheet.append(
                {"slot": slot, "contact_id": row.get("id"), "couple": bool(couple), "lines": lines}
            )
            named += [row.get("id"), *(couple.get("member_ids") or ())]
    notes = counts.notes()
    notes["pages"] = max(notes["pages"], 1)  # an empty export is still one (empty) sheet, as the PDF
    return {
        "sheet": {
            "key": sheet.key,
            "columns": sheet.columns,
            "rows": sheet.rows,
            "per_page": sheet.per_page,
            "label": sheet.label,
        },
        "skip": options["skip"],
        "labels": first_sheet,
        "counts": notes,
        "named_ids": list(dict.fromkeys(str(value) for value in named if value)),
    }
