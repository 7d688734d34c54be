"""The contacts service's entrypoints with their dependencies replaced (nameko's worker_factory)."""

import uuid
from unittest import mock

import pytest
from nameko.testing.services import worker_factory

from piiri.context import Actor
from piiri.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from services.contacts.registries import CONTACT_DETAILS
from services.contacts.search import SearchPlan
from services.contacts.service import ContactsService

VIEWER = Actor(id="u1", username="viewer", permissions=("contacts.view",))


def service_as(actor):
    service = worker_factory(ContactsService)
    if actor is None:
        service.context.require.side_effect = NotAuthenticated("no acting user in the call context")
    else:
        service.context.require.side_effect = lambda permission: (actor.require(permission), actor)[1]
    return service


def test_calls_without_an_acting_user_are_refused():
    with pytest.raises(NotAuthenticated):
        service_as(None).get_contact(str(uuid.uuid4()))


def test_a_viewer_cannot_create_or_delete():
    service = service_as(VIEWER)
    with pytest.raises(PermissionDenied):
        service.create_contact({"last_name": "Virtanen"})
    with pytest.raises(PermissionDenied):
        service.delete_contact(str(uuid.uuid4()))
    service.db.transaction.assert_not_called()


def test_invalid_input_is_refused_before_the_database_is_touched():
    service = service_as(Actor(id="u2", username="editor", permissions=("contacts.edit",)))
    with pytest.raises(ValidationFailed) as error:
        service.create_contact({"last_name": "Virtanen", "email": "nope"})
    assert "email" in error.value.details
    service.db.transaction.assert_not_called()


def test_an_unknown_or_malformed_id_is_not_found():
    service = service_as(VIEWER)
    no_record = mock.patch.object(CONTACT_DETAILS, "record", return_value=(None, None))
    with no_record, mock.patch("services.contacts.storage.get_contact", return_value=None):
        with pytest.raises(NotFound):
            service.get_contact(str(uuid.uuid4()))
    with pytest.raises(NotFound):
        service.get_contact("not-a-uuid")
    service.audit.read.assert_not_called()


def test_a_search_page_is_audited_as_one_event_naming_every_contact_shown():
    """G2: a list/search result is one audit event naming all contact ids shown."""
    service = service_as(VIEWER)
    ids = [uuid.uuid4() for _ in range(3)]
    items = [
        {
            "id": i,
            "kind": "person",
            "display_name": "A",
            "email": None,
            "phone": None,
            "city": None,
            "birth_date": None,
        }
        for i in ids
    ]
    with mock.patch("services.contacts.storage.search", return_value=(items, None, "exact")) as search:
        page = service.search_contacts("virtanen", limit=3)
    assert search.call_args.args[1] == SearchPlan("text", terms=("virtanen",))
    assert [item["id"] for item in page["items"]] == [str(i) for i in ids]
    service.audit.read.assert_called_once()
    args = service.audit.read.call_args
    assert args.args[1] == "contact.listed" and list(args.args[3]) == ids
    assert args.kwargs["details"] == {"query": "virtanen", "filters": {}}
