"""C8: moving a group changes which automations fire for its subtree, so a move that would make
existing automations loop is refused (naming them) and changes nothing; enabling one that would
close a loop is refused too."""

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService

ADMIN = make_actor("loop-admin", permissions=(*ALL_PERMISSIONS, "groups.manage", "automations.manage"))


@pytest.fixture
def contacts(run_services, rpc):
    run_services(ContactsService, AuditService)
    with rpc(ADMIN) as cluster:
        yield cluster.contacts


def joined(name, trigger_group, action_group, include_subgroups=False, enabled=True):
    return {
        "name": name,
        "enabled": enabled,
        "trigger_type": "member_joined",
        "trigger_config": {"group_id": trigger_group, "include_subgroups": include_subgroups},
        "action_type": "add_to_group",
        "action_config": {"group_id": action_group},
    }


def outbox_rows(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox")).scalar_one()


def test_c8_a_group_move_that_would_make_automations_loop_is_refused(contacts, clean_databases):
    """C8: "joins Liitto (with subgroups) -> add to Uudet" and "joins Uudet -> add to Kerho" are no
    loop while Kerho is elsewhere; moving Kerho under Liitto would make one: refused with both names,
    the tree and the counts unchanged; a harmless move still works."""
    engine = clean_databases["contacts"]
    liitto = contacts.create_group("Liitto")
    uudet = contacts.create_group("Uudet")
    kerho = contacts.create_group("Kerho")
    muut = contacts.create_group("Muut")
    contacts.create_automation(joined("Liitosta uusiin", liitto["id"], uudet["id"], include_subgroups=True))
    contacts.create_automation(joined("Uusista kerhoon", uudet["id"], kerho["id"]))
    (person,) = [contacts.create_contact({"first_name": "Kalle", "last_name": "Kerho"})["id"]]
    contacts.add_members(kerho["id"], [person])
    before = outbox_rows(engine)

    with pytest.raises(ValidationFailed) as caught:
        contacts.move_group(kerho["id"], liitto["id"])
    message = caught.value.message
    assert message.startswith("Moving the group would make a loop of automations:")
    assert "'Liitosta uusiin'" in message and "'Uusista kerhoon'" in message
    assert caught.value.details == {"parent_id": [message]}
    assert contacts.get_group(kerho["id"])["path"] == f"/{kerho['id']}/"
    assert contacts.get_group(liitto["id"])["all_members"] == 0  # the counts were rolled back too
    assert outbox_rows(engine) == before

    moved = contacts.move_group(kerho["id"], muut["id"])  # no automation fires for Muut
    assert moved["path"] == f"/{muut['id']}/{kerho['id']}/"
    with pytest.raises(ValidationFailed):  # moving Muut (with Kerho inside) under Liitto: same loop
        contacts.move_group(muut["id"], liitto["id"])


def test_c8_enabling_an_automation_that_closes_a_loop_is_refused(contacts, clean_databases):
    """C8: a disabled automation may exist in a would-be loop; enabling it is refused naming the loop."""
    a = contacts.create_group("A")["id"]
    b = contacts.create_group("B")["id"]
    contacts.create_automation(joined("A:sta B:hen", a, b))
    dormant = contacts.create_automation(joined("B:stä A:han", b, a, enabled=False))
    with pytest.raises(ValidationFailed) as caught:
        contacts.update_automation(dormant["id"], {"enabled": True})
    assert caught.value.message == "au.err_loop" and "'A:sta B:hen'" in caught.value.params["names"]
    assert contacts.get_automation(dormant["id"])["enabled"] is False
