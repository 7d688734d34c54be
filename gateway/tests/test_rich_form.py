"""C2: the contact form's repeated rows of e-mails, phones and addresses and its tags
(gateway/rich_form.py), and their errors in the user's language."""

from werkzeug.datastructures import MultiDict

from gateway import rich_form
from gateway.i18n import Translator
from gateway.web_helpers import contact_form_values, field_errors


def form(**fields):
    return MultiDict({key.replace("__", "-"): value for key, value in fields.items()})


def test_c2_rows_are_read_in_order_empty_rows_left_out_and_the_primary_radio_kept():
    posted = form(
        emails__rows="3",
        emails__0__address="anna@example.fi",
        emails__0__kind="home",
        emails__1__address="",
        emails__1__kind="work",
        emails__2__address=" anna@work.example.com ",
        emails__2__kind="work",
        emails__primary="2",
        tags="hallitus, Lehti,, ",
    )
    data = rich_form.read(posted)
    assert data == {
        "emails": [
            {"address": "anna@example.fi", "kind": "home", "primary": False},
            {"address": "anna@work.example.com", "kind": "work", "primary": True},
        ],
        "tags": ["hallitus", "Lehti"],
    }


def test_c2_an_address_row_needs_more_than_a_kind_and_a_country():
    posted = form(
        addresses__rows="2",
        addresses__0__kind="home",
        addresses__0__country="FI",
        addresses__1__kind="work",
        addresses__1__city="Oulu",
        addresses__1__country="FI",
    )
    assert rich_form.read(posted)["addresses"] == [
        {"kind": "work", "street": "", "postal_code": "", "city": "Oulu", "country": "FI", "primary": False}
    ]


def test_c2_a_form_without_rows_of_a_list_leaves_it_alone():
    assert rich_form.read(form(first_name="Anna")) == {}
    assert rich_form.read_rows(form(phones__rows="x"), "phones") is None


def test_c2_add_another_shows_one_more_blank_row():
    posted = form(phones__rows="2", phones__0__number="040 1234567", phones__1__number="", add_row="phones")
    assert rich_form.blank_rows(posted) == {"emails": 1, "phones": 2, "addresses": 1}
    rows = rich_form.rows(
        {"phones": [{"number": "040 1234567", "kind": "mobile", "primary": True}]}, {"phones": 2}
    )
    assert [row["number"] for row in rows["phones"]] == ["040 1234567", "", ""]
    assert rows["addresses"][0]["country"] == "FI" and len(rows["emails"]) == 1


def test_c2_form_values_of_a_contact_show_lists_and_tags_as_text():
    values = contact_form_values(
        {
            "first_name": "Anna",
            "tags": ["hallitus", "lehti"],
            "addresses": [
                {
                    "kind": "home",
                    "street": None,
                    "postal_code": "90100",
                    "city": "Oulu",
                    "country": "FI",
                    "primary": True,
                }
            ],
        }
    )
    assert values["tags"] == "hallitus, lehti"
    assert values["addresses"] == [
        {
            "kind": "home",
            "street": "",
            "postal_code": "90100",
            "city": "Oulu",
            "country": "FI",
            "primary": True,
        }
    ]
    assert values["emails"] == [] and values["first_name"] == "Anna"


def test_c2_entry_errors_stay_beside_their_row():
    by_field, general = field_errors(
        {
            "emails.1.address": ["contact.list_twice"],
            "phones": ["contact.one_primary"],
        },
        Translator("fi"),
    )
    assert by_field == {
        "emails.1.address": ["Sama tieto on annettu kahdesti."],
        "phones": ["Vain yksi voi olla ensisijainen."],
    }
    assert general == []
