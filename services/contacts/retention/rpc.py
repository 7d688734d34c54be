"""RPC methods of G5, a feature of ContactsService: retention rules, the past-retention list and count,
and bulk erasure through G4's ``request_erasure`` in idempotent batches."""

import logging

from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, NotFound, PiiriError, ServiceUnavailable, ValidationFailed, coded
from services.contacts import scopes
from services.contacts import storage as contact_storage
from services.contacts.core import ContactsCore
from services.contacts.counting import audit_count
from services.contacts.person.rules import load, parse_uuid
from services.contacts.retention import listing, rules, storage
from services.contacts.retention.contract import (
    EraseInput,
    EraseResult,
    PastRetentionPage,
    Rule,
    RuleInput,
)
from services.contacts.search import clamp_limit

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
RULE, PAGE, ERASE_RESULT = Rule(), PastRetentionPage(), EraseResult()


class RetentionRpc(ContactsCore):
    """G5: retention rules, who is past retention, bulk erasure."""

    # --- rules -----------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_retention_rules(self):
        """Every retention rule (no personal data: not audited)."""
        self.context.require("contacts.view")
        found = storage.rules_all(self.db.session)
        self.db.session.rollback()
        return RULE.dump(found, many=True)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_retention_rule(self, data):
        actor = self.context.require(GDPR_OFFICER)
        values = self._rule_values(data)
        with self.db.transaction() as session:
            rule = RULE.dump(
                storage.insert_rule(session, {**values, "created_by": actor.username or actor.id})
            )
            self._rule_changed(session, actor, "created", rule, sorted(values))
        self.outbox.flush()
        return rule

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_retention_rule(self, rule_id, changes):
        """Change a rule's name, settings or kind, or enable/disable it."""
        actor = self.context.require(GDPR_OFFICER)
        with self.db.transaction() as session:
            current = self._existing_rule(session, rule_id)
            partial = load(RuleInput(), changes, partial=True)
            values = self._rule_values(
                {**{k: current[k] for k in ("name", "kind", "config", "enabled")}, **partial}
            )
            changed = {key: value for key, value in values.items() if current.get(key) != value}
            if not changed:
                return RULE.dump(current)
            rule = RULE.dump(storage.update_rule(session, current["id"], changed))
            self._rule_changed(session, actor, "changed", rule, sorted(changed))
        self.outbox.flush()
        return rule

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def delete_retention_rule(self, rule_id):
        actor = self.context.require(GDPR_OFFICER)
        with self.db.transaction() as session:
            rule = RULE.dump(self._existing_rule(session, rule_id))
            storage.delete_rule(session, rule["id"])
            self._rule_changed(session, actor, "deleted", rule, ["retention_rule"])
        self.outbox.flush()
        return rule

    @staticmethod
    def _rule_values(data):
        """The rule loaded, or ValidationFailed naming every bad field at once (issue 13 item 9): the
        schema's findings (a missing name) together with the settings' (years out of range)."""
        try:
            values = load(RuleInput(), data)
        except ValidationFailed as exc:
            details = dict(exc.details or {})
            if isinstance(data, dict) and "kind" not in details and "config" not in details:
                details.update(rules.config_problems(data.get("kind"), data.get("config")))
            raise ValidationFailed(exc.message, details, exc.params) from None
        problems = rules.config_problems(values["kind"], values["config"])
        if problems:
            raise ValidationFailed("The rule's settings are not valid.", problems)
        return values

    def _existing_rule(self, session, rule_id):
        rule = storage.get_rule(session, parse_uuid(rule_id, "rule_id"), for_update=True)
        if rule is None:
            raise NotFound(f"No retention rule {rule_id}.", {"rule_id": str(rule_id)})
        return rule

    def _rule_changed(self, session, actor, what, rule, fields):
        self.audit.write(
            self.outbox, session, actor, f"retention_rule.{what}", "retention_rule", [rule["id"]],
            fields=fields, details={"name": rule["name"], "kind": rule["kind"], "config": rule["config"]},
        )  # fmt: skip
        self.outbox.event(session, f"retention_rule_{what}", {"rule": rule})

    def _selected_rules(self, session, rule_ids):
        """The enabled rules, or those of ``rule_ids`` (each must be an enabled rule)."""
        enabled = storage.rules_all(session, enabled_only=True)
        if not rule_ids:
            return enabled
        by_id = {str(rule["id"]): rule for rule in enabled}
        wanted = [str(rule_id) for rule_id in rule_ids]
        unknown = [rule_id for rule_id in wanted if rule_id not in by_id]
        if unknown:
            raise ValidationFailed(
                "contact.invalid", {"rule_ids": [coded("err.dp_no_rule", id=rule_id) for rule_id in unknown]}
            )
        return [by_id[rule_id] for rule_id in dict.fromkeys(wanted)]

    # --- who is past retention -------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def past_retention(self, limit=None, cursor=None, rule_id=None):
        """One page of contacts past retention under any enabled rule (or ``rule_id``), earliest "since"
        first (keyset paging), each with its rules and since when; audited as one read of the page."""
        actor = self.context.require(GDPR_OFFICER)
        limit, positions = clamp_limit(limit), listing.decode_positions(cursor)
        today = clock.today()
        session = self.db.session
        selected = self._selected_rules(session, [rule_id] if rule_id else None)
        scope_for = self._scope_for(session, actor)
        found, positions, more = listing.merged_page(
            selected,
            lambda rule, after, n: storage.branch_rows(session, rule, today, n, after, scope_for),
            lambda ids: storage.facts_of(session, ids),
            today,
            limit,
            positions,
        )
        rows = storage.summaries(session, [contact_id for contact_id, _ in found])
        session.rollback()
        items = [
            {**rows[contact_id], "display_name": contact_storage.display_name(rows[contact_id]),
             "rules": matched, "since": matched[0]["since"]}
            for contact_id, matched in found
            if contact_id in rows
        ]  # fmt: skip
        if items:
            self.audit.read(
                actor, "contact.retention_listed", "contact", [item["id"] for item in items],
                fields=["display_name", "updated_at", "deceased_on", "memberships"],
                details={"rule_id": str(rule_id) if rule_id else None},
            )  # fmt: skip
        next_cursor = listing.encode_positions(positions) if more else None
        return PAGE.dump({"items": items, "next_cursor": next_cursor, "rules": selected})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def count_past_retention(self, rule_id=None):
        """How many contacts are past retention; one ``contact.counted`` audit record (issue 12 item 4)."""
        actor = self.context.require(GDPR_OFFICER)
        session = self.db.session
        selected = self._selected_rules(session, [rule_id] if rule_id else None)
        count = storage.past_count(session, selected, clock.today(), self._scope_for(session, actor))
        session.rollback()
        audit_count(self.audit, actor, {"count": count}, {"past_retention": True, "rule_id": rule_id})
        return {"count": count, "rules": RULE.dump(selected, many=True)}

    @staticmethod
    def _scope_for(session, actor):
        """None, or ``function(contact id column) -> [scope condition]`` for a scoped actor (C6)."""
        if not actor.scoped:
            return None
        return lambda column: scopes.conditions(session, actor, column)

    # --- bulk erasure ----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def erase_past_retention(self, data):
        """Request the erasure (G4) of one batch of the selected contacts that are still past retention.

        Idempotent: a contact whose erasure is requested leaves the list, so calling again with the same
        selection goes on with the next batch; ``remaining`` says how many are left (0: done).
        """
        actor = self.context.require(GDPR_OFFICER)
        values = load(EraseInput(), data)
        only_ids = values.get("contact_ids")
        if not values["all"] and not only_ids:
            raise ValidationFailed("ret.pick_some", {"contact_ids": ["ret.pick_some"]})
        if values["all"] and only_ids:
            raise ValidationFailed(
                "Give either contact_ids or all, not both.", {"all": ["ret.err_all_and_ids"]}
            )
        request_erasure = getattr(self, "request_erasure", None)
        if request_erasure is None:
            raise ServiceUnavailable("err.dp_no_erasure")
        session = self.db.session
        selected = self._selected_rules(session, values.get("rule_ids"))
        today, scope_for = clock.today(), self._scope_for(session, actor)
        batch = storage.past_ids(session, selected, today, values["batch_size"], scope_for, only_ids)
        session.rollback()
        reason = values.get("reason") or "Past retention: " + ", ".join(rule["name"] for rule in selected)
        requested, failed = [], {}
        for contact_id in batch:
            try:
                request_erasure(str(contact_id), reason)
                requested.append(contact_id)
            except PiiriError as exc:
                failed[str(contact_id)] = exc.message
                log.warning("retention: erasure of %s not requested: %s", contact_id, exc.message)
        if requested or failed:
            with self.db.transaction() as session:
                self.audit.write(
                    self.outbox, session, actor, "retention.erasure_requested", "contact", requested,
                    details={"rules": [str(rule["id"]) for rule in selected], "reason": reason,
                             "failed": sorted(failed), "all": values["all"]},
                )  # fmt: skip
            self.outbox.flush()
        remaining = storage.past_count(self.db.session, selected, today, scope_for, only_ids)
        self.db.session.rollback()
        return ERASE_RESULT.dump(
            {
                "requested": requested,
                "failed": failed,
                "remaining": remaining,
                "done": remaining == 0 or not requested,
            }
        )
