"""What each action type does to one contact, through the same storage functions the RPCs use, with the
same audit records and events (actor: the system, details naming the automation). Later types plug in here."""

from datetime import timedelta

from piiri.context import SYSTEM
from services.contacts import storage as contact_storage
from services.contacts.groups import storage as group_storage
from services.contacts.person import storage as person_storage
from services.contacts.person.contract import Status

STATUS = Status()
PERFORMERS = {}


class ActionFailed(Exception):
    """The action cannot be done for this contact (recorded as a failed run, never retried)."""


def performer(action_type):
    def register(function):
        PERFORMERS[action_type] = function
        return function

    return register


def perform(kit, session, automation, contact_id, trigger, today):
    """Do ``automation``'s action for the contact; returns (outcome done|skipped, what it did)."""
    contact = contact_storage.get_contact(session, contact_id, True)
    if contact is None:
        return "skipped", {"reason": "The contact no longer exists."}
    function = PERFORMERS.get(automation["action_type"])
    if function is None:
        raise ActionFailed(f"No way to perform {automation['action_type']}.")
    return function(kit, session, automation, contact, trigger, today)


def _details(automation, trigger, extra=None):
    return {
        "automation_id": str(automation["id"]),
        "automation_name": automation["name"],
        "trigger": trigger,
        **(extra or {}),
    }


def _group(session, config):
    group = group_storage.get_group(session, config["group_id"], for_update=True)
    if group is None:
        raise ActionFailed("The action's group no longer exists.")
    return group


@performer("add_to_group")
def add_to_group(kit, session, automation, contact, trigger, today):
    config = automation["action_config"]
    group = _group(session, config)
    if group["archived"]:
        raise ActionFailed(f"The group '{group['name']}' is archived.")
    added = group_storage.add_memberships(
        session, group["id"], [contact["id"]], config.get("role"), today, None
    )
    if not added:
        return "skipped", {"reason": f"Already a member of '{group['name']}'.", "group_id": str(group["id"])}
    kit.audit.write(
        kit.outbox, session, SYSTEM, "group.members_added", "contact", [contact["id"]], fields=("groups",),
        details=_details(automation, trigger, {"group_id": str(group["id"]), "group_name": group["name"]}),
    )  # fmt: skip
    for row in added:
        kit.outbox.event(
            session,
            "member_joined",
            {**group_storage.membership_event(row), "automation_id": str(automation["id"])},
        )
    return "done", {"did": f"Added to '{group['name']}'.", "group_id": str(group["id"])}


@performer("remove_from_group")
def remove_from_group(kit, session, automation, contact, trigger, today):
    group = _group(session, automation["action_config"])
    ended = group_storage.end_memberships(session, group["id"], [contact["id"]], today)
    if not ended:
        return "skipped", {"reason": f"Not a member of '{group['name']}'.", "group_id": str(group["id"])}
    kit.audit.write(
        kit.outbox, session, SYSTEM, "group.members_removed", "contact", [contact["id"]], fields=("groups",),
        details=_details(automation, trigger, {"group_id": str(group["id"]), "group_name": group["name"]}),
    )  # fmt: skip
    for row in ended:
        kit.outbox.event(
            session,
            "member_left",
            {**group_storage.membership_event(row), "automation_id": str(automation["id"])},
        )
    return "done", {"did": f"Removed from '{group['name']}'.", "group_id": str(group["id"])}


def _status_event(kit, session, automation, trigger, what, contact, status, fields):
    kit.audit.write(
        kit.outbox, session, SYSTEM, f"contact.status_{what}", "contact", [contact["id"]], fields=fields,
        details=_details(automation, trigger, {"status_id": status["id"]}),
    )  # fmt: skip
    kit.outbox.event(
        session,
        f"contact_status_{what}",
        {"contact_id": str(contact["id"]), "status": status, "automation_id": str(automation["id"])},
    )


@performer("set_status")
def set_status(kit, session, automation, contact, trigger, today):
    config = automation["action_config"]
    if contact["kind"] != "person":
        raise ActionFailed("Only a person has statuses.")
    if not person_storage.status_kind(session, config["kind"]):
        raise ActionFailed(f"No status kind {config['kind']!r}.")
    ends_on = today + timedelta(days=config["days"] - 1) if config.get("days") else None
    values = {"kind": config["kind"], "starts_on": today, "ends_on": ends_on}
    status = STATUS.dump(person_storage.insert_status(session, contact["id"], values))
    _status_event(kit, session, automation, trigger, "added", contact, status, sorted(values))
    return "done", {"did": f"Status {config['kind']} set.", "status_id": status["id"]}


@performer("end_status")
def end_status(kit, session, automation, contact, trigger, today):
    kind = automation["action_config"]["kind"]
    active = [
        item
        for item in person_storage.statuses_of(session, contact["id"])
        if item["kind"] == kind and item["active"]
    ]
    if not active:
        return "skipped", {"reason": f"No active status {kind}."}
    for item in active:
        # As in update_status: ending one now is ends_on = today (its last day).
        ends_on = max(item["starts_on"], today)
        status = STATUS.dump(person_storage.update_status(session, item["id"], {"ends_on": ends_on}))
        _status_event(kit, session, automation, trigger, "changed", contact, status, ["ends_on"])
    return "done", {"did": f"Status {kind} ended.", "status_ids": [str(item["id"]) for item in active]}


@performer("publish_event")
def publish_event(kit, session, automation, contact, trigger, today):
    config = automation["action_config"]
    payload = {
        **(config.get("payload") or {}),
        "automation_id": str(automation["id"]),
        "contact_id": str(contact["id"]),
        "trigger": trigger,
        "day": today.isoformat(),
    }
    kit.audit.write(
        kit.outbox, session, SYSTEM, "automation.event_published", "contact", [contact["id"]],
        fields=("id",), details=_details(automation, trigger, {"event_type": config["event_type"]}),
    )  # fmt: skip
    event_id = kit.outbox.event(session, config["event_type"], payload)
    return "done", {"did": f"Published {config['event_type']}.", "event_id": str(event_id)}
