"""I2: the address label preview (label_preview.py) follows the PDF's own plan: the first sheet's labels
in print order (couples once, rows without an address left out) and the same counts as write_labels."""

import io

from pypdf import PdfReader

from services.exports.contract.formats import get_format
from services.exports.formats.labels import write as write_labels_pdf
from services.exports.label_preview import label_preview


def person(index, **extra):
    return {
        "id": f"id-{index:02d}",
        "kind": "person",
        "first_name": f"Etu{index:02d}",
        "last_name": "Suku",
        "street": f"Katu {index}",
        "postal_code": "00100",
        "city": "Helsinki",
        "country": "FI",
        **extra,
    }


def rows():
    couple = {"id": "couple-1", "address_name_fi": "Etu01 ja Etu02 Suku", "member_ids": ["id-01", "id-02"]}
    found = [person(index) for index in range(30)]
    found[1]["couple"] = couple
    found[2]["couple"] = couple
    found[5].update(city=None)  # no usable address
    return found


def test_i2_the_preview_is_the_first_sheet_of_the_pdf_with_the_same_counts():
    options = get_format("labels").load_options({"sheet": "3x7", "skip": 2})
    preview = label_preview(iter(rows()), options, "fi")
    assert preview["sheet"]["per_page"] == 21 and preview["skip"] == 2
    labels = preview["labels"]
    assert [label["slot"] for label in labels] == list(range(2, 21))
    assert labels[0]["lines"] == ["Etu00 Suku", "Katu 0", "00100 HELSINKI"]
    assert labels[1]["lines"][0] == "Etu01 ja Etu02 Suku" and labels[1]["couple"] is True
    assert [label["contact_id"] for label in labels[:4]] == ["id-00", "id-01", "id-03", "id-04"]
    # the audit names whom the labels name: the couple's label names both partners
    assert preview["named_ids"][:5] == ["id-00", "id-01", "id-02", "id-03", "id-04"]
    assert len(preview["named_ids"]) == len(labels) + 1
    out = io.BytesIO()
    result = write_labels_pdf(iter(rows()), options, out, "fi")
    assert preview["counts"] == {
        "labels": result["rows_written"],
        "pages": 2,
        "skipped_no_address": 1,
        "skipped_couple_partner": 1,
    }
    pdf = PdfReader(io.BytesIO(out.getvalue()))
    assert len(pdf.pages) == preview["counts"]["pages"]
    first_page = pdf.pages[0].extract_text()
    names = [label["lines"][0] for label in labels]
    assert all(name in first_page for name in names)
    assert labels[-1]["lines"][0] not in pdf.pages[1].extract_text()


def test_i2_an_empty_selection_previews_one_empty_sheet():
    options = get_format("labels").load_options({})
    preview = label_preview(iter([]), options, "fi")
    assert preview["labels"] == [] and preview["counts"]["pages"] == 1 and preview["counts"]["labels"] == 0


def test_i2_with_couples_not_joined_each_partner_has_a_label_of_their_own():
    options = get_format("labels").load_options({"one_per_couple": False})
    preview = label_preview(iter(rows()), options, "fi")
    labels = preview["labels"]
    assert [label["contact_id"] for label in labels[:3]] == ["id-00", "id-01", "id-02"]
    assert not any(label["couple"] for label in labels)
    assert labels[1]["lines"][0] == "Etu01 Suku"
    assert preview["named_ids"] == [label["contact_id"] for label in labels]
    assert preview["counts"]["skipped_couple_partner"] == 0
