"""Issue 13 item 6: one name per field on every screen, import and export: the export's column headings
and the import's field names are the UI's own words (the gateway's ``field.<key>`` in fi, sv and en), and
a file using a field's former name is still mapped to it."""

from gateway.i18n import messages
from services.exports.contract.rows import STANDARD_COLUMNS
from services.imports.mapping import STANDARD, build_catalogue, propose_mapping

FORMER_NAMES = {  # names these fields had before issue 13 item 6; files people keep still use them
    "title": "Tehtävänimike", "street": "Lähiosoite", "city": "Postitoimipaikka", "language": "Kieli",
    "organisation_name": "Organisaatio",
}  # fmt: skip


def ui_words(key):
    return tuple(messages(language).get(f"field.{key}") for language in ("fi", "sv", "en"))


def test_export_headings_are_the_uis_field_names():
    differ = {
        key: (labels[:3], ui_words(key))
        for key, labels in STANDARD_COLUMNS.items()
        if ui_words(key)[0] is not None and labels[:3] != ui_words(key)
    }
    assert not differ


def test_import_field_names_are_the_uis_field_names():
    differ = {}
    for key, (label_fi, label_en, *_) in STANDARD.items():
        fi, _, en = ui_words(key)
        if fi is not None and (label_fi, label_en) != (fi, en):
            differ[key] = ((label_fi, label_en), (fi, en))
    assert not differ


def test_a_fields_former_name_still_maps_to_it():
    proposal = propose_mapping(list(FORMER_NAMES.values()), build_catalogue())
    assert proposal == {name: key for key, name in FORMER_NAMES.items()}
