"""I2, gateway side without services: selections from query arguments, every format's options schema as
form fields and back, and the download file name."""

import json

import pytest
from werkzeug.datastructures import MultiDict

from gateway.exports.calls import download_name, selection_from_args
from gateway.exports.web import form_selection, option_fields, options_from_form, web_selection
from gateway.i18n import Translator
from piiri.errors import ValidationFailed
from services.exports.contract.formats import formats, get_format


def test_i2_selection_from_query_arguments():
    search = selection_from_args(MultiDict([("q", "virtanen"), ("city", "Turku"), ("format", "ndjson")]))
    assert search == {
        "kind": "search",
        "query": "virtanen",
        "filters": {"city": "Turku"},
        "exclude_deceased": False,
        "exclude_statuses": [],
    }
    group = selection_from_args(
        MultiDict([("group", "g1"), ("include_subgroups", "0"), ("exclude_deceased", "1")])
    )
    assert (
        group["kind"] == "group" and group["include_subgroups"] is False and group["exclude_deceased"] is True
    )
    ids = selection_from_args(MultiDict([("ids", "a,b"), ("ids", "c"), ("exclude_statuses", "member,board")]))
    assert ids["ids"] == ["a", "b", "c"] and ids["exclude_statuses"] == ["member", "board"]
    with pytest.raises(ValidationFailed, match="request.boolean") as refused:
        selection_from_args(MultiDict([("exclude_deceased", "maybe")]))
    assert refused.value.params == {"name": "exclude_deceased"}


def test_i2_the_lists_ticked_boxes_and_its_bulk_form_fields_make_an_ids_selection():
    args = MultiDict([("contact_ids", "a"), ("contact_ids", "b"), ("back", "/contacts?q=x"), ("action", "")])
    assert web_selection(args, True) == {
        "kind": "ids",
        "ids": ["a", "b"],
        "exclude_deceased": True,
        "exclude_statuses": [],
    }
    assert web_selection(MultiDict([("q", "x"), ("back", "/y")]))["filters"] == {}
    with pytest.raises(ValidationFailed):
        form_selection("{not json")


@pytest.mark.parametrize("name", [item.name for item in formats()])
def test_i2_every_formats_options_render_as_fields_and_load_back(name):
    export_format = get_format(name)
    t = Translator("fi")
    rendered = option_fields(export_format.options, t)
    form = MultiDict()
    for field in rendered:
        assert field["input"] in ("checkbox", "select", "number", "text") and field["label"]
        if field["input"] == "checkbox":
            if field["value"]:
                form["opt." + field["name"]] = "on"
        elif field["value"] != "":
            form["opt." + field["name"]] = str(field["value"])
    loaded = export_format.load_options(options_from_form(export_format.options, form))
    assert loaded == export_format.load_options({})
    assert export_format.load_options(json.loads(json.dumps(loaded))) == loaded  # stored as JSON in the job


def test_i2_csv_separator_is_a_select_with_finnish_labels_and_download_names_are_safe():
    fields = {field["name"]: field for field in option_fields(get_format("csv").options, Translator("fi"))}
    assert fields["separator"]["input"] == "select"
    assert fields["separator"]["choices"][0] == (";", "Puolipiste (;) – suomalainen Excel")
    assert download_name('Maija "M" Meikäläinen.vcf') == "Maija-M-Meik-l-inen.vcf"
