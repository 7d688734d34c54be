"""Files the exports service writes at once (I2; issue 11 item 2: the service that owns the format
writes the bytes, the gateway passes them on): the stream's pages make exactly the file the format
writes in one go, and a contact's card is the format's own output."""

import base64
import io
import json

import pytest

from piiri.errors import NotFound, ValidationFailed
from services.exports import direct
from services.exports.contract.rows import sample_row
from services.exports.formats import get_format


def whole_file(name, rows):
    out = io.BytesIO()
    get_format(name).write(iter(rows), {"columns": []}, out, "fi")
    return out.getvalue()


def paged(name, rows, size):
    pages = [rows[start : start + size] for start in range(0, len(rows), size)] or [[]]
    return "".join(
        direct.stream_text(name, page, number == 0, number == len(pages) - 1)
        for number, page in enumerate(pages)
    ).encode("utf-8")


@pytest.mark.parametrize("name", ["ndjson", "json"])
@pytest.mark.parametrize("count", [0, 1, 2, 5, 7])
def test_i2_issue11_stream_pages_concatenate_to_the_formats_file(name, count):
    rows = [sample_row(id=f"id-{number}", display_name=f"Ä {number}") for number in range(count)]
    assert paged(name, rows, 2) == whole_file(name, rows)
    if name == "json":
        assert [row["id"] for row in json.loads(paged(name, rows, 3))] == [row["id"] for row in rows]


def test_i2_issue11_stream_formats_and_fields_are_checked():
    assert direct.stream_content_type("ndjson") == "application/x-ndjson"
    with pytest.raises(ValidationFailed) as caught:
        direct.stream_content_type("xlsx")
    assert caught.value.details == {
        "format": [{"code": "value.one_of", "params": {"choices": "ndjson, json"}}]
    }
    fields = direct.stream_fields(["display_name", "custom.jasenlaji"])
    assert fields[-1] == "custom.jasenlaji" and "display_name" in fields and "custom" not in fields
    with pytest.raises(ValidationFailed):
        direct.stream_fields("custom.x")


def test_i2_issue11_contact_file_is_the_formats_own_output():
    row = sample_row(display_name="Maija Meikäläinen")
    card = direct.card_file(get_format("vcard"), row["id"], [row], {"version": "3.0"})
    assert card["content_type"].startswith("text/vcard")
    assert card["file_name"] == "Maija-Meik-l-inen.vcf"
    assert base64.b64decode(card["data"]).startswith(b"BEGIN:VCARD\r\nVERSION:3.0")
    qr = direct.card_file(get_format("qr_vcard"), row["id"], [row], {"image": "svg"})
    assert qr["content_type"] == "image/svg+xml" and qr["file_name"].endswith(".svg")
    with pytest.raises(NotFound):
        direct.card_file(get_format("vcard"), row["id"], [], None)
    with pytest.raises(ValidationFailed):
        direct.card_format("xlsx")
