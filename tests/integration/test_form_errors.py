"""Issue 13 item 9: a contact's input with several errors is refused once, naming every one of them: the
fields' own checks, the lists (e-mails, phones, addresses), the rules of a whole contact (a name, a Finnish
postal code) and the custom values. On an earlier main each stage stopped at its first failure, so a form
showed its errors one save at a time."""

import pytest

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService

ADMIN = make_actor("form-admin", permissions=(*ALL_PERMISSIONS, "fields.manage"))


@pytest.fixture
def contacts(run_services, rpc):
    run_services(ContactsService, AuditService)
    with rpc(ADMIN) as cluster:
        cluster.contacts.create_custom_field(
            {"key": "jasennumero", "label_fi": "Jäsennumero", "field_type": "number"}
        )
        yield cluster.contacts


def refused(call, *args):
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    return caught.value.details


def test_issue13_item9_creating_names_every_error_at_once(contacts):
    details = refused(
        contacts.create_contact,
        {
            "kind": "person",
            "email": "maija(at)example",  # the field's own check
            "birth_date": "32.13.1980",
            "postal_code": "1",  # a whole contact's rule: five digits in Finland
            "custom": {"jasennumero": "kolme"},  # a custom value
        },
    )
    assert set(details) == {"email", "birth_date", "last_name", "postal_code", "custom.jasennumero"}, details
    details = refused(
        contacts.create_contact,
        {"kind": "person", "first_name": "Maija", "phone": "123", "postal_code": "12", "custom": {"nope": 1}},
    )
    assert set(details) == {"phone", "postal_code", "custom.nope"}, details
    assert contacts.search_contacts()["items"] == []


def test_issue13_item9_changing_names_every_error_at_once(contacts):
    maija = contacts.create_contact({"kind": "person", "first_name": "Maija", "last_name": "Mehiläinen"})
    details = refused(
        contacts.update_contact,
        maija["id"],
        {
            "first_name": "",
            "last_name": "",
            "email": "ei-osoite",
            "phones": [{"number": "abc", "kind": "mobile", "primary": True}],
            "postal_code": "123",
            "custom": {"jasennumero": "x"},
        },
    )
    assert {"last_name", "email", "postal_code", "custom.jasennumero"} <= set(details), details
    assert any(name.startswith("phones") for name in details), details
    assert contacts.get_contact(maija["id"])["last_name"] == "Mehiläinen"
