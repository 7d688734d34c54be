"""Group automations (C8): RPC methods of ContactsService; event handlers and date timer of ContactsWorker.

Definitions need ``automations.manage``; the run history needs ``contacts.view`` (an audited read). Runs
happen as the system, exactly once per (automation, trigger) thanks to automation_runs' unique key.
"""

import logging
import uuid
from datetime import date, timedelta

import eventlet
from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import not_

from piiri import clock
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS, NotFound, ValidationFailed, coded
from piiri.messaging import KeptQueues, kept_queue_event_handler
from services.contacts import scopes
from services.contacts.automations import actions, rules, storage
from services.contacts.automations.contract import Automation, DryRun, RunPage
from services.contacts.automations.describe import describe
from services.contacts.contract import SUMMARY_FIELDS
from services.contacts.core import ContactsCore
from services.contacts.groups import storage as group_storage
from services.contacts.groups.tree import ancestor_ids
from services.contacts.models import custom_fields
from services.contacts.paid_membership import storage as paid_storage
from services.contacts.person import storage as person_storage
from services.contacts.search import clamp_limit, decode_cursor, encode_cursor

log = logging.getLogger(__name__)

MANAGE = "automations.manage"
SCAN_INTERVAL = 600  # seconds; every date trigger still fires once per contact and day
CATCH_UP_DAYS = 7  # a missed day (service down) is caught up for a week, never before the automation existed
DRY_RUN_LIMIT = 50
AUTOMATION = Automation()
DEFINITION_FIELDS = ("name", "enabled", "trigger_type", "trigger_config", "action_type", "action_config")


def parse_id(value, field):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise NotFound(f"No automation with id {value}.", {field: str(value)}) from None


class AutomationsWork(ContactsCore):
    """C8's runs, shared by the service and its worker: what one trigger does, exactly once (no
    entrypoints of its own)."""

    def _auto_guarded(self, function, *args):
        """Failed actions are recorded as failed runs; anything else (database down…) is re-raised after
        a pause so the event is requeued and tried again, never lost (stack.md trap 12)."""
        try:
            function(*args)
        except Exception:
            log.exception("automations: %s not handled, will be redelivered", args[0])
            eventlet.sleep(1.0)
            raise

    def run_membership_automations(self, event, payload):
        """Run every enabled automation whose trigger fires on this membership event; returns runs made."""
        self.context.act_as(SYSTEM)
        if not payload.get("group_id") or not payload.get("contact_id"):
            log.warning("automations: %s without group_id or contact_id ignored: %r", event, payload)
            return 0
        session = self.db.session
        candidates = storage.enabled_with_trigger(session, event)
        paths = storage.group_paths(session, [payload["group_id"]])
        session.rollback()
        path = paths.get(str(payload["group_id"]))
        if path is None:
            return 0
        ancestors = set(ancestor_ids(path))
        fired = rules.triggered_by(candidates, event, payload["group_id"], lambda _: ancestors)
        matching = rules.existing_at(fired, payload.get("occurred_at"))
        trigger = {
            "type": event,
            "event_id": payload.get("event_id"),
            "group_id": str(payload["group_id"]),
            "membership_id": payload.get("membership_id"),
            **({"by_automation": payload["automation_id"]} if payload.get("automation_id") else {}),
        }
        made = 0
        for automation in matching:
            key = payload.get("event_id") or f"{payload.get('membership_id')}:{event}"
            made += self._auto_run(automation, key, uuid.UUID(str(payload["contact_id"])), trigger)
        return made

    def run_paid_membership_automations(self, event, payload):
        """Run every enabled membership_paid_changed automation the change fires (B4); returns runs made."""
        self.context.act_as(SYSTEM)
        if not payload.get("contact_id") or not payload.get("event_id"):
            log.warning("automations: %s without contact_id or event_id ignored: %r", event, payload)
            return 0
        candidates = storage.enabled_with_trigger(self.db.session, event)
        self.db.session.rollback()
        trigger = {"type": event, "event_id": payload["event_id"], "period": payload.get("period")}
        made = 0
        for automation in rules.existing_at(candidates, payload.get("occurred_at")):
            if rules.paid_trigger_fires(automation["trigger_config"], payload):
                contact_id = uuid.UUID(str(payload["contact_id"]))
                made += self._auto_run(automation, payload["event_id"], contact_id, trigger)
        return made

    def run_date_automations(self, today=None):
        """Fire every enabled date_reached automation for dates hit from (at most a week) back to today, and
        every grace-period trigger (membership_unpaid_on) whose day is in that week: once per member."""
        self.context.act_as(SYSTEM)
        today = today or clock.today()
        session = self.db.session
        automations = storage.enabled_with_trigger(session, "date_reached")
        work = []
        for automation in automations:
            first = max(today - timedelta(days=CATCH_UP_DAYS), clock.local_date(automation["created_at"]))
            if first > today:
                continue
            _, hits = storage.date_hits(session, automation["trigger_config"], first, today, 10_000)
            work.extend((automation, hit["id"], hit["hit_on"]) for hit in hits if hit["hit_on"])
        for automation in storage.enabled_with_trigger(session, "membership_unpaid_on"):
            config = automation["trigger_config"]
            day = date.fromisoformat(config["on_date"])
            first = max(today - timedelta(days=CATCH_UP_DAYS), clock.local_date(automation["created_at"]))
            if not first <= day <= today:
                continue
            try:
                ids = storage.contact_ids(session, self._auto_unpaid(session, config, today))
            except ValidationFailed:  # its group was removed since: nothing to do, the others still run
                log.warning("automations: %s names a group that is gone", automation["id"])
                continue
            work.extend((automation, contact_id, day) for contact_id in ids)
        session.rollback()
        made = 0
        for automation, contact_id, day in work:
            trigger = {"type": automation["trigger_type"], "day": day.isoformat()}
            if automation["trigger_type"] == "date_reached":
                trigger["field"] = automation["trigger_config"]["field"]
            else:
                trigger["period"] = automation["trigger_config"]["period"]
            made += self._auto_run(automation, f"{contact_id}:{day.isoformat()}", contact_id, trigger, today)
        return made

    def _auto_run(self, automation, trigger_key, contact_id, trigger, today=None):
        """Claim the run and do the action in one transaction; 0 if this trigger already ran."""
        today = today or clock.today()
        with self.db.transaction() as session:
            run_id = storage.claim_run(
                session, automation["id"], trigger_key, contact_id, {"trigger": trigger}
            )
            if run_id is None:
                return 0
            savepoint = session.begin_nested()
            try:
                outcome, did = actions.perform(self, session, automation, contact_id, trigger, today)
                savepoint.commit()
            except actions.ActionFailed as exc:
                savepoint.rollback()
                outcome, did = "failed", {"error": str(exc)}
            except Exception as exc:  # a bug or a constraint: recorded, not retried forever
                savepoint.rollback()
                log.exception("automation %s failed for %s", automation["id"], contact_id)
                outcome, did = "failed", {"error": f"{type(exc).__name__}: {exc}"[:500]}
            storage.finish_run(session, run_id, outcome, {"trigger": trigger, **did})
        self.outbox.flush()
        return 1

    def _auto_group(self, session, group_id, field):
        group = group_storage.get_group(session, group_id)
        if group is None:
            raise ValidationFailed("au.err_no_group", {field: ["au.err_no_group"]})
        return group

    def _auto_unpaid(self, session, config, on):
        """The condition of a grace-period trigger: the group's members on ``on`` not paid up."""
        group = self._auto_group(session, config["group_id"], "trigger_config.group_id")
        paid_up = paid_storage.paid_up(config["period"])
        return storage.unpaid_condition(group, config["include_subgroups"], on, paid_up)


class AutomationsRunner(AutomationsWork):
    """C8's background runs, in the contacts worker (services/contacts/worker.py), never in the processes
    that answer staff: the membership events' handlers and the date timer. The handlers keep the queues
    they had in the contacts service (KeptQueueEventHandler), so nothing queued before the move is left
    behind; automation_runs' unique key makes every run happen once whatever the number of instances."""

    @kept_queue_event_handler("contacts", "member_joined", queue_service="contacts", requeue_on_error=True)
    def automations_on_member_joined(self, payload):
        self._auto_guarded(self.run_membership_automations, "member_joined", payload)

    @kept_queue_event_handler("contacts", "member_left", queue_service="contacts", requeue_on_error=True)
    def automations_on_member_left(self, payload):
        self._auto_guarded(self.run_membership_automations, "member_left", payload)

    @kept_queue_event_handler(
        "contacts", "membership_paid_changed", queue_service="contacts", requeue_on_error=True
    )
    def automations_on_membership_paid_changed(self, payload):
        self._auto_guarded(self.run_paid_membership_automations, "membership_paid_changed", payload)

    @timer(interval=SCAN_INTERVAL)
    def automations_date_timer(self):
        try:
            return self.run_date_automations()
        except Exception:
            log.exception("date automations failed; the next tick tries again")
            return 0


class AutomationsRpc(AutomationsWork):
    """Automation definitions, their dry run and history (C8). Its processes publish the membership
    events, so they declare the runner's queues at start: none is lost before a worker has started."""

    automation_queues = KeptQueues(AutomationsRunner)

    # --- definitions ------------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_automations(self):
        """Every automation with when it last ran and how often (no personal data)."""
        self.context.require(MANAGE)
        session = self.db.session
        items = storage.list_automations(session)
        views = self._auto_views(session, items)
        session.rollback()
        return {"items": views}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_automation(self, automation_id):
        self.context.require(MANAGE)
        session = self.db.session
        automation = self._auto_get(session, automation_id)
        view = self._auto_views(session, [automation])[0]
        session.rollback()
        return view

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_automation(self, data):
        """A new automation; refused (422 naming the fields) if invalid or if it would make a loop."""
        actor = self.context.require(MANAGE)
        clean = rules.validate_definition(data)
        with self.db.transaction() as session:
            storage.lock_definitions(session)
            self._auto_check(session, {**clean, "id": "new"})
            automation = storage.insert_automation(session, clean, actor.username)
            self._auto_changed(session, actor, "created", automation, list(DEFINITION_FIELDS))
        self.outbox.flush()
        return self.get_automation(automation["id"])

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_automation(self, automation_id, changes):
        """Change any part, e.g. ``{"enabled": false}``; the whole result is validated and loop-checked."""
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            storage.lock_definitions(session)
            current = self._auto_get(session, automation_id, for_update=True)
            clean = rules.validate_definition(changes, {k: current[k] for k in DEFINITION_FIELDS})
            changed = {key: value for key, value in clean.items() if current[key] != value}
            if not changed:
                session.rollback()
                return self.get_automation(current["id"])
            self._auto_check(session, {**clean, "id": current["id"]})
            automation = storage.update_automation(session, current["id"], changed)
            self._auto_changed(session, actor, "changed", automation, sorted(changed))
        self.outbox.flush()
        return self.get_automation(automation["id"])

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def delete_automation(self, automation_id):
        """Delete it with its run history."""
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            automation = self._auto_get(session, automation_id, for_update=True)
            storage.delete_automation(session, automation["id"])
            self._auto_changed(session, actor, "deleted", automation, [])
        self.outbox.flush()
        return {"id": str(automation["id"]), "deleted": True}

    # --- history and dry run ----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def automation_history(self, automation_id=None, limit=None, cursor=None):
        """Runs newest first (of one automation, or all): when, who, outcome, why; an audited read."""
        actor = self.context.require("contacts.view")
        limit = clamp_limit(limit)
        position = decode_cursor(cursor)
        if position is not None and not ({"t", "i"} <= set(position)):
            raise ValidationFailed("The paging cursor is not valid.", {"cursor": ["contact.cursor_invalid"]})
        session = self.db.session
        automation = self._auto_get(session, automation_id) if automation_id else None
        items, next_position = storage.runs_page(session, automation and automation["id"], limit, position)
        if actor.scoped:  # C6: runs on contacts out of scope are not shown (a short page keeps its cursor)
            seen = scopes.visible_ids(session, actor, [item["contact_id"] for item in items])
            items = [item for item in items if item["contact_id"] is None or item["contact_id"] in seen]
        session.rollback()
        ids = list(dict.fromkeys(item["contact_id"] for item in items if item["contact_id"]))
        if ids:
            self.audit.read(
                actor,
                "automation.history_viewed",
                "contact",
                ids,
                fields=("display_name",),
                details={"automation_id": str(automation["id"]) if automation else None},
            )
        return RunPage().dump(
            {
                "items": items,
                "next_cursor": encode_cursor({"m": "k", **next_position}) if next_position else None,
            }
        )

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def dry_run(self, definition=None, automation_id=None, horizon_days=None):
        """Who would be affected now: member triggers -> the group's active members ("if they joined now");
        date_reached -> contacts whose date hits within ``horizon_days`` (30); membership_paid_changed -> the
        contacts whose paid-up status is already the one asked. Count + first 50, audited."""
        actor = self.context.require(MANAGE)
        session = self.db.session
        if automation_id:
            automation = self._auto_get(session, automation_id)
        else:
            automation = rules.validate_definition(definition if definition is not None else {})
        horizon = clamp_horizon(horizon_days)
        scope = scopes.conditions(session, actor)  # C6: a scoped actor sees only their contacts
        config = automation["trigger_config"]
        today = clock.today()
        if automation["trigger_type"] == "date_reached":
            if config["field"] == "membership_ends":
                self._auto_group(session, config["group_id"], "trigger_config.group_id")
            count, items = storage.date_hits(
                session, config, today, today + timedelta(days=horizon - 1), DRY_RUN_LIMIT, scope
            )
            note = f"Contacts whose date is reached in the next {horizon} days."
        elif automation["trigger_type"] == "membership_unpaid_on":
            condition = self._auto_unpaid(session, config, today)
            count, items = storage.matching(session, condition, DRY_RUN_LIMIT, scope)
            note = (
                f"The members not paid up for {config['period']} now; the action runs on {config['on_date']}."
            )
        elif automation["trigger_type"] == "membership_paid_changed":
            condition = paid_storage.paid_up(config["period"])
            condition = condition if config["paid_up"] else not_(condition)
            count, items = storage.matching(session, condition, DRY_RUN_LIMIT, scope)
            note = f"The contacts whose status for {config['period']} is already as the trigger asks."
        else:
            group = self._auto_group(session, config["group_id"], "trigger_config.group_id")
            count, items = storage.current_members(
                session, group, config["include_subgroups"], today, DRY_RUN_LIMIT, scope
            )
            note = f"The current members of '{group['name']}', as if they joined (or left) now."
        texts = describe(automation, storage.group_names(session, group_ids(automation)))
        session.rollback()
        if items:
            self.audit.read(
                actor,
                "automation.dry_run",
                "contact",
                [item["id"] for item in items],
                fields=SUMMARY_FIELDS,
                details={"automation_id": str(automation.get("id") or "") or None, "count": count},
            )
        return DryRun().dump({**texts, "count": count, "items": items, "note": note})

    # --- helpers ----------------------------------------------------------------------------------------

    def _auto_get(self, session, automation_id, for_update=False):
        automation = storage.get_automation(session, parse_id(automation_id, "automation_id"), for_update)
        if automation is None:
            raise NotFound(f"No automation with id {automation_id}.", {"automation_id": str(automation_id)})
        return automation

    def _auto_check(self, session, definition):
        """Groups, status kinds and custom fields named must exist; no loop with the other automations."""
        trigger, action = definition["trigger_config"], definition["action_config"]
        if trigger.get("group_id"):
            self._auto_group(session, trigger["group_id"], "trigger_config.group_id")
        if action.get("group_id"):
            group = self._auto_group(session, action["group_id"], "action_config.group_id")
            if group["archived"] and definition["action_type"] == "add_to_group":
                archived = coded("au.err_archived", name=group["name"])
                raise ValidationFailed(
                    "au.err_archived", {"action_config.group_id": [archived]}, archived["params"]
                )
        if action.get("kind") and not person_storage.status_kind(session, action["kind"]):
            unknown = coded("au.err_no_status_kind", kind=action["kind"])
            raise ValidationFailed(
                "au.err_no_status_kind", {"action_config.kind": [unknown]}, unknown["params"]
            )
        field = trigger.get("field") or ""
        if field.startswith("custom."):
            found = session.execute(
                custom_fields.select().where(
                    custom_fields.c.key == field[7:],
                    custom_fields.c.field_type == "date",
                    custom_fields.c.removed_at.is_(None),
                )
            ).first()
            if found is None:
                unknown = coded("au.err_no_date_field", key=field[7:])
                raise ValidationFailed(
                    "au.err_no_date_field", {"trigger_config.field": [unknown]}, unknown["params"]
                )
        paths = storage.group_paths(session)
        others = storage.list_automations(session)
        rules.check_no_loop(
            definition, others, lambda group_id: set(ancestor_ids(paths.get(str(group_id), ""))[:-1])
        )

    def _auto_changed(self, session, actor, what, automation, fields):
        view = AUTOMATION.dump({key: automation[key] for key in ("id", *DEFINITION_FIELDS, "created_by")})
        self.audit.write(
            self.outbox,
            session,
            actor,
            f"automation.{what}",
            "automation",
            [automation["id"]],
            fields=fields,
            details={"name": automation["name"]},
        )
        self.outbox.event(
            session,
            f"automation_{what}",
            {"automation_id": str(automation["id"]), "changed_fields": fields, "automation": view},
        )

    def _auto_views(self, session, items):
        stats = storage.last_runs(session, [item["id"] for item in items])
        names = storage.group_names(session, {g for item in items for g in group_ids(item)})
        return [
            AUTOMATION.dump(
                {**item, **stats.get(item["id"], {"last_ran_at": None, "runs": 0}), **describe(item, names)}
            )
            for item in items
        ]


def group_ids(automation):
    return [
        automation[key].get("group_id")
        for key in ("trigger_config", "action_config")
        if automation[key].get("group_id")
    ]


def clamp_horizon(value):
    if value in (None, ""):
        return 30
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 366:
        raise ValidationFailed("bd.err_horizon", {"horizon_days": ["bd.err_horizon"]})
    return number
