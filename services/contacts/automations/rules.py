"""Pure rules of automations (C8): the registry of trigger and action types, validation of a definition,
and loop detection over the graph of group-changing automations."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from piiri.errors import ValidationFailed, coded

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]{2,60}$")
# Event names the contacts service publishes itself: an automation may not fake them.
RESERVED_EVENT_PREFIXES = (
    "contact_",
    "member_",
    "group_",
    "automation_",
    "status_kind_",
    "custom_field_",
    "saved_search_",
    "birthday_",
    "couple_",
    "membership_paid_",
)
PERIOD = re.compile(r"^[0-9]{4}(-[0-9]{2,4})?$")  # a membership period, as paid_membership/contract.py
DATE_FIELDS = ("membership_ends", "birth_date")
MAX_OFFSET_DAYS = 3660
MAX_NAME = 200


@dataclass(frozen=True)
class TriggerType:
    """``validate(config, errors) -> clean config``; ``event``: the bus event that fires it, or None."""

    name: str
    validate: object
    event: str | None = None


@dataclass(frozen=True)
class ActionType:
    """``validate(config, errors) -> clean config``; ``produces``: the membership event it causes, if any."""

    name: str
    validate: object
    produces: str | None = None


TRIGGERS = {}
ACTIONS = {}


def trigger_type(name, event=None):
    """Register a trigger type (later issues add payment and survey triggers the same way)."""

    def register(validate):
        TRIGGERS[name] = TriggerType(name, validate, event)
        return validate

    return register


def action_type(name, produces=None):
    def register(validate):
        ACTIONS[name] = ActionType(name, validate, produces)
        return validate

    return register


# --- field helpers -------------------------------------------------------------------------------------


def _uuid(config, key, errors, prefix, required=True):
    value = config.get(key)
    if value in (None, ""):
        if required:
            errors[f"{prefix}.{key}"] = ["au.err_group"]
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        errors[f"{prefix}.{key}"] = ["contact.id_invalid"]
        return None


def _int(config, key, errors, prefix, low, high, default=None):
    value = config.get(key, default)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        errors[f"{prefix}.{key}"] = ["contact.whole_number"]
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[f"{prefix}.{key}"] = ["contact.whole_number"]
        return None
    if not low <= number <= high:
        errors[f"{prefix}.{key}"] = [coded("contact.out_of_range", min=low, max=high)]
        return None
    return number


def _unknown(config, allowed, errors, prefix):
    for key in sorted(set(config) - set(allowed)):
        errors[f"{prefix}.{key}"] = ["contact.unknown_field"]


def _text(config, key, errors, prefix, pattern=None, message="Required."):
    value = config.get(key)
    if not isinstance(value, str) or not value.strip():
        errors[f"{prefix}.{key}"] = [message]
        return None
    value = value.strip()
    if pattern is not None and not pattern.match(value):
        errors[f"{prefix}.{key}"] = [message]
        return None
    return value


# --- triggers ------------------------------------------------------------------------------------------


def _membership_trigger(config, errors, prefix="trigger_config"):
    _unknown(config, ("group_id", "include_subgroups"), errors, prefix)
    include = config.get("include_subgroups", False)
    if not isinstance(include, bool):
        errors[f"{prefix}.include_subgroups"] = ["contact.boolean_invalid"]
    return {"group_id": _uuid(config, "group_id", errors, prefix), "include_subgroups": include is True}


trigger_type("member_joined", event="member_joined")(_membership_trigger)
trigger_type("member_left", event="member_left")(_membership_trigger)


@trigger_type("membership_paid_changed", event="membership_paid_changed")
def _paid_trigger(config, errors, prefix="trigger_config"):
    """A member becomes paid up for ``period`` (``paid_up`` true) or stops being (false), B4."""
    _unknown(config, ("period", "paid_up"), errors, prefix)
    paid_up = config.get("paid_up", True)
    if not isinstance(paid_up, bool):
        errors[f"{prefix}.paid_up"] = ["contact.boolean_invalid"]
    period = _text(config, "period", errors, prefix, PERIOD, "contacts.membership_period_invalid")
    return {"period": period, "paid_up": paid_up is not False}


def paid_trigger_fires(config, payload):
    """Whether a ``membership_paid_changed`` payload fires a trigger of this config: the change concerns
    its period (or the flag, which covers every period) and leaves the member as the trigger asks."""
    if payload.get("period") not in (None, config["period"]):
        return False
    paid_periods = payload.get("paid_periods") or []
    now = payload.get("membership_flag") is not None or config["period"] in paid_periods
    return now == config["paid_up"]


@trigger_type("membership_unpaid_on")
def _unpaid_trigger(config, errors, prefix="trigger_config"):
    """The grace period is over (B4): on ``on_date``, every member of ``group_id`` (with subgroups if asked)
    who is not paid up for ``period`` (no matched payment, no free or honorary flag)."""
    _unknown(config, ("period", "group_id", "include_subgroups", "on_date"), errors, prefix)
    include = config.get("include_subgroups", False)
    if not isinstance(include, bool):
        errors[f"{prefix}.include_subgroups"] = ["contact.boolean_invalid"]
    return {
        "period": _text(config, "period", errors, prefix, PERIOD, "contacts.membership_period_invalid"),
        "group_id": _uuid(config, "group_id", errors, prefix),
        "include_subgroups": include is True,
        "on_date": _date(config, "on_date", errors, prefix),
    }


def _date(config, key, errors, prefix):
    value = config.get(key)
    if value in (None, ""):
        errors[f"{prefix}.{key}"] = ["au.err_on_date"]
        return None
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        errors[f"{prefix}.{key}"] = [coded("au.err_on_date_invalid", value=str(value)[:40])]
        return None


@trigger_type("date_reached")
def _date_trigger(config, errors, prefix="trigger_config"):
    _unknown(config, ("field", "group_id", "offset_days"), errors, prefix)
    field = config.get("field")
    clean = {
        "field": field,
        "offset_days": _int(config, "offset_days", errors, prefix, -MAX_OFFSET_DAYS, MAX_OFFSET_DAYS, 0),
    }
    if field == "membership_ends":
        clean["group_id"] = _uuid(config, "group_id", errors, prefix)
    elif field == "birth_date" or (
        isinstance(field, str) and re.match(r"^custom\.[a-z][a-z0-9_]{0,59}$", field)
    ):
        if config.get("group_id"):
            errors[f"{prefix}.group_id"] = ["au.err_group_only_membership"]
    else:
        errors[f"{prefix}.field"] = ["au.err_date_field"]
    return clean


# --- actions -------------------------------------------------------------------------------------------


def _group_action(config, errors, prefix="action_config"):
    _unknown(config, ("group_id", "role"), errors, prefix)
    role = config.get("role")
    if role is not None and (not isinstance(role, str) or len(role) > 60):
        errors[f"{prefix}.role"] = [coded("contact.too_long", max=60)]
    return {"group_id": _uuid(config, "group_id", errors, prefix), "role": (role or "").strip() or None}


action_type("add_to_group", produces="member_joined")(_group_action)


@action_type("remove_from_group", produces="member_left")
def _remove_action(config, errors, prefix="action_config"):
    _unknown(config, ("group_id",), errors, prefix)
    return {"group_id": _uuid(config, "group_id", errors, prefix)}


@action_type("set_status")
def _set_status(config, errors, prefix="action_config"):
    _unknown(config, ("kind", "days"), errors, prefix)
    return {
        "kind": _text(config, "kind", errors, prefix, message="au.err_kind"),
        "days": _int(config, "days", errors, prefix, 1, MAX_OFFSET_DAYS),
    }


@action_type("end_status")
def _end_status(config, errors, prefix="action_config"):
    _unknown(config, ("kind",), errors, prefix)
    return {"kind": _text(config, "kind", errors, prefix, message="au.err_kind")}


@action_type("publish_event")
def _publish_event(config, errors, prefix="action_config"):
    _unknown(config, ("event_type", "payload"), errors, prefix)
    event_type = _text(
        config,
        "event_type",
        errors,
        prefix,
        EVENT_TYPE,
        "au.err_event",
    )
    if event_type and event_type.startswith(RESERVED_EVENT_PREFIXES):
        errors[f"{prefix}.event_type"] = ["au.err_event_reserved"]
    payload = config.get("payload") or {}
    if not isinstance(payload, dict) or any(
        not isinstance(key, str) or not isinstance(value, (str, int, float, bool)) or isinstance(value, dict)
        for key, value in payload.items()
    ):
        errors[f"{prefix}.payload"] = ["au.err_payload"]
        payload = {}
    clashes = sorted({"automation_id", "contact_id", "trigger", "event_id"} & set(payload))
    if clashes:
        errors[f"{prefix}.payload"] = [coded("au.err_payload_clash", fields=", ".join(clashes))]
    return {"event_type": event_type, "payload": payload}


# --- a whole definition ----------------------------------------------------------------------------------


def validate_definition(data, current=None):
    """User input (whole, or changes merged onto ``current``) -> a clean definition; ValidationFailed names
    every bad field (``trigger_config.group_id`` …)."""
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    allowed = {"name", "enabled", "trigger_type", "trigger_config", "action_type", "action_config"}
    errors = {key: ["contact.unknown_field"] for key in sorted(set(data) - allowed)}
    merged = {**(current or {}), **data}
    if (
        current
        and "trigger_type" in data
        and data["trigger_type"] != current.get("trigger_type")
        and "trigger_config" not in data
    ):
        merged["trigger_config"] = {}
    if (
        current
        and "action_type" in data
        and data["action_type"] != current.get("action_type")
        and "action_config" not in data
    ):
        merged["action_config"] = {}
    name = merged.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["au.err_name"]
    elif len(name.strip()) > MAX_NAME:
        errors["name"] = [coded("contact.too_long", max=MAX_NAME)]
    enabled = merged.get("enabled", True)
    if not isinstance(enabled, bool):
        errors["enabled"] = ["contact.boolean_invalid"]
    clean = {"name": (name or "").strip() if isinstance(name, str) else None, "enabled": enabled is not False}
    for kind, registry, choose in (
        ("trigger", TRIGGERS, "au.err_trigger"),
        ("action", ACTIONS, "au.err_action"),
    ):
        type_name = merged.get(f"{kind}_type")
        config = merged.get(f"{kind}_config") or {}
        clean[f"{kind}_type"] = type_name
        if type_name not in registry:
            errors[f"{kind}_type"] = [coded(choose, choices=", ".join(registry))]
            clean[f"{kind}_config"] = {}
        elif not isinstance(config, dict):
            errors[f"{kind}_config"] = ["contact.not_object"]
            clean[f"{kind}_config"] = {}
        else:
            clean[f"{kind}_config"] = registry[type_name].validate(config, errors)
    if errors:
        raise ValidationFailed("Some fields of the automation are not valid.", errors)
    return clean


# --- loops ---------------------------------------------------------------------------------------------


def _fires(trigger, event, group_id, ancestors):
    """Whether an automation's trigger fires on ``event`` (member_joined/left) in group ``group_id``."""
    spec = TRIGGERS.get(trigger["trigger_type"])
    if spec is None or spec.event != event:
        return False
    target = trigger["trigger_config"].get("group_id")
    if target == group_id:
        return True
    return bool(trigger["trigger_config"].get("include_subgroups")) and target in ancestors(group_id)


def triggered_by(automations, event, group_id, ancestors):
    """The automations among ``automations`` that fire when someone's ``event`` happens in ``group_id``."""
    return [item for item in automations if _fires(item, event, str(group_id), ancestors)]


def existing_at(automations, occurred_at):
    """The automations among ``automations`` that already existed when the change of a membership or
    paid-up event happened, at ``occurred_at`` (an ISO timestamp; None on events from before it was
    carried: all of them). An automation acts on what happens after it is created, never on a change whose
    event was still on its way to the worker."""
    if not occurred_at:
        return list(automations)
    moment = datetime.fromisoformat(occurred_at)
    return [item for item in automations if item["created_at"] <= moment]


def find_loop(automations, ancestors):
    """A list of automations (dicts with id, name, types, configs) forming a cycle, or None.

    Automation A leads to B when A's action causes the membership event B's trigger fires on
    (adding to a subgroup of G fires G's automations that include subgroups). ``ancestors(group_id)``
    gives the ids of the group's ancestors (not itself). Only enabled automations take part.
    """
    live = [item for item in automations if item.get("enabled", True)]
    edges = {}
    for item in live:
        spec = ACTIONS.get(item["action_type"])
        group_id = item["action_config"].get("group_id")
        if spec is None or spec.produces is None or not group_id:
            edges[str(item["id"])] = []
            continue
        edges[str(item["id"])] = [
            str(other["id"]) for other in triggered_by(live, spec.produces, group_id, ancestors)
        ]
    by_id = {str(item["id"]): item for item in live}
    state = {}

    def visit(node, path):
        state[node] = "open"
        path.append(node)
        for nxt in edges.get(node, ()):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :]
            if nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        state[node] = "done"
        path.pop()
        return None

    for node in edges:
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return [by_id[node_id] for node_id in cycle]
    return None


def loop_names(cycle):
    """The automations of a loop by name, back to the first: "'A' -> 'B' -> 'A'"."""
    return " -> ".join(f"'{item['name']}'" for item in [*cycle, cycle[0]])


def check_no_loop(candidate, others, ancestors):
    """Refuse ``candidate`` if it closes a loop with the others (ValidationFailed naming them)."""
    if not candidate.get("enabled", True):
        return
    everyone = [item for item in others if str(item["id"]) != str(candidate["id"])] + [candidate]
    cycle = find_loop(everyone, ancestors)
    if cycle and any(str(item["id"]) == str(candidate["id"]) for item in cycle):
        names = loop_names(cycle)
        raise ValidationFailed(
            "au.err_loop", {"action_config": [coded("au.err_loop", names=names)]}, {"names": names}
        )
