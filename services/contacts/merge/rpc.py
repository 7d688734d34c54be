"""C11's RPC methods (ContactsService) and its duplicate scan (ContactsWorker): duplicate candidates (live
for one contact, stored pairs for review), dismissals, side-by-side comparison and merging into a
survivor."""

import base64
import json
import logging
import time
import uuid

from nameko.rpc import rpc
from nameko.timer import timer

from piiri import clock
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS, Conflict, ValidationFailed, coded
from services.contacts import scopes
from services.contacts import storage as contact_storage
from services.contacts.consents import storage as consent_storage
from services.contacts.contract import EDITABLE_FIELDS, SUMMARY_FIELDS, Contact, WholeContactRules
from services.contacts.core import ContactsCore
from services.contacts.custom_fields import storage as custom_storage
from services.contacts.groups import tree
from services.contacts.history import storage as history
from services.contacts.merge import rules, storage
from services.contacts.merge.contract import Candidate, CandidatePair
from services.contacts.paid_membership import storage as paid_membership_storage
from services.contacts.person import rules as person_rules
from services.contacts.person import storage as person_storage
from services.contacts.registries import CONTACT_DETAILS
from services.contacts.search import clamp_limit

log = logging.getLogger(__name__)

SCAN_INTERVAL = 300  # seconds between duplicate scans of changed contacts
SCAN_BATCH = 500
# A timer's scan stops taking contacts after this many seconds (at least one contact a tick): its queries
# share the contacts database with staff's requests, and a batch of 500 over a freshly seeded million
# (every contact changed, common names in large blocks) ran tens of seconds of them (issue 18).
SCAN_BUDGET = 5.0
CONTACT, CANDIDATE, PAIR = Contact(), Candidate(), CandidatePair()


def summary(contact):
    """The contact with its display name, for the Summary schema nested in CANDIDATE and PAIR (which
    serialise it: a dumped summary would be serialised twice)."""
    return {**contact, "display_name": contact_storage.display_name(contact)}


def encode_position(row):
    raw = json.dumps([row["score"], str(row["contact_a"]), str(row["contact_b"])])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_position(cursor):
    if not cursor:
        return None
    try:
        score, first, second = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return int(score), uuid.UUID(first), uuid.UUID(second)
    except (ValueError, TypeError):
        raise ValidationFailed("The cursor is not valid.", {"cursor": ["contact.cursor_invalid"]}) from None


class MergeWork(ContactsCore):
    """C11's part shared by the service and its worker: a contact's candidates and one scan batch (no
    entrypoints of its own)."""

    def _merge_candidates(self, session, contact):
        others = storage.block_rows(session, contact)
        found = rules.candidates(contact, others)
        dismissed = storage.dismissed_with(session, contact["id"], [item["contact"]["id"] for item in found])
        return [item for item in found if item["contact"]["id"] not in dismissed]

    def _merge_scan(self, batch_size, rescan_all, budget=None):
        """Candidates of up to ``batch_size`` contacts changed since the watermark (all with
        ``rescan_all``); with ``budget`` (seconds), no further contact is begun once it has passed. The
        watermark moves past the settled contacts scanned, so the next scan goes on from there."""
        try:
            batch_size = int(batch_size)
        except (TypeError, ValueError):
            batch_size = 0
        if not 1 <= batch_size <= 10000:
            raise ValidationFailed(
                "contact.invalid", {"batch_size": [coded("contact.out_of_range", min=1, max=10000)]}
            )
        with self.db.transaction() as session:
            position = storage.scan_position(session)
            if position is None:
                return {"scanned": 0, "pairs": 0, "skipped": True}
            until, last_id = (None, None) if rescan_all else (position.scanned_until, position.scanned_id)
            changed = storage.changed_since(session, until, last_id, batch_size)
            deadline = None if budget is None else time.monotonic() + budget
            pairs, scanned = 0, []
            for contact in changed:
                if scanned and deadline is not None and time.monotonic() >= deadline:
                    break
                found = self._merge_candidates(session, contact)
                storage.replace_pairs(session, contact["id"], found)
                pairs += len(found)
                scanned.append(contact)
            cutoff = storage.settled_before(session)
            settled = [contact for contact in scanned if contact["updated_at"] < cutoff]
            if settled:  # later rows may still have company being committed: scanned again next time
                storage.move_scan(session, settled[-1]["updated_at"], settled[-1]["id"])
        more = len(changed) == batch_size or len(scanned) < len(changed)
        return {"scanned": len(scanned), "pairs": pairs, "skipped": False, "more": more}


class MergeScanner(MergeWork):
    """C11's background scan, run by the contacts worker (services/contacts/worker.py), never by the
    processes that answer staff: one batch of the contacts changed since the last scan every
    SCAN_INTERVAL, for at most SCAN_BUDGET seconds; the scan's row lock (storage.scan_position) keeps
    it to one instance at a time."""

    @timer(interval=SCAN_INTERVAL)
    def scan_duplicates(self):
        self.context.act_as(SYSTEM)
        try:
            result = self._merge_scan(SCAN_BATCH, False, budget=SCAN_BUDGET)
            if result["scanned"]:
                log.info("duplicate scan: %s", result)
        except Exception:
            log.exception("duplicate scan failed")


class MergeRpc(MergeWork):
    """C11: duplicates, comparison and merge."""

    # --- candidates ------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def duplicates_of(self, contact_id):
        """Contacts that may duplicate this one, best first, found live by indexed blocking keys."""
        actor = self.context.require("contacts.view")
        session = self.db.session
        contact = self._existing(session, contact_id)
        found = self._merge_candidates(session, contact)
        visible = scopes.visible_ids(session, actor, [item["contact"]["id"] for item in found])  # C6
        found = [item for item in found if item["contact"]["id"] in visible]
        session.rollback()
        items = [CANDIDATE.dump({**item, "contact": summary(item["contact"])}) for item in found]
        if items:
            self.audit.read(
                actor,
                "contact.duplicates_listed",
                "contact",
                [item["contact"]["id"] for item in items],
                fields=SUMMARY_FIELDS,
                details={"of": str(contact["id"])},
            )
        return {"contact_id": str(contact["id"]), "items": items}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def find_duplicates(self, batch_size=SCAN_BATCH, rescan_all=False):
        """Store the candidate pairs of contacts changed since the last scan (all if rescan_all), one
        batch; returns how many contacts were scanned and pairs stored (skipped if a scan is running)."""
        self.context.require("contacts.edit")
        return self._merge_scan(batch_size, rescan_all)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_duplicate_candidates(self, limit=None, cursor=None):
        """Stored pairs for review, best score first; every contact shown is audited as one read."""
        actor = self.context.require("contacts.view")
        limit = clamp_limit(limit)
        rows, more = storage.candidate_page(self.db.session, limit, decode_position(cursor))
        # C6: a pair is shown only when the actor sees both contacts (a short page keeps its cursor).
        visible = scopes.visible_ids(self.db.session, actor, [row[f"{s}_id"] for row in rows for s in "ab"])
        self.db.session.rollback()
        items = []
        for row in rows:
            if actor.scoped and not {row["a_id"], row["b_id"]} <= visible:
                continue
            pair = {
                side: summary({name: row[f"{side[-1]}_{name}"] for name in storage.SUMMARY})
                for side in ("contact_a", "contact_b")
            }
            items.append(
                PAIR.dump(
                    {**pair, "score": row["score"], "reasons": row["reasons"], "found_at": row["found_at"]}
                )
            )
        ids = sorted({item[side]["id"] for item in items for side in ("contact_a", "contact_b")})
        if ids:
            self.audit.read(actor, "contact.duplicates_listed", "contact", ids, fields=SUMMARY_FIELDS)
        return {"items": items, "next_cursor": encode_position(rows[-1]) if more else None}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def dismiss_duplicate(self, contact_ids):
        """Mark two contacts as not duplicates: the pair is no longer listed or found."""
        actor = self.context.require("contacts.edit")
        if not isinstance(contact_ids, list) or len(contact_ids) != 2:
            raise ValidationFailed("Give exactly two contact ids.", {"contact_ids": ["merge.err.two_ids"]})
        with self.db.transaction() as session:
            first, second = (self._existing(session, value)["id"] for value in contact_ids)
            if first == second:
                raise ValidationFailed(
                    "A contact is not a duplicate of itself.",
                    {"contact_ids": ["merge.err.itself"]},
                )
            pair = rules.ordered(first, second)
            storage.dismiss(session, pair, actor.username or actor.id)
            self.audit.write(
                self.outbox, session, actor, "contact.duplicate_dismissed", "contact", list(pair)
            )
            self.outbox.event(session, "duplicate_dismissed", {"contact_ids": [str(value) for value in pair]})
        self.outbox.flush()
        return {"contact_ids": [str(value) for value in pair], "dismissed": True}

    # --- comparison -------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def compare_contacts(self, contact_ids):
        """2..5 contacts side by side (full records as get_contact) and which fields differ."""
        actor = self.context.require("contacts.view")
        if not isinstance(contact_ids, list) or not 2 <= len(contact_ids) <= rules.MAX_COMPARED:
            compared = coded("merge.err.compare_count", max=rules.MAX_COMPARED)
            raise ValidationFailed("merge.err.compare_count", {"ids": [compared]}, compared["params"])
        session = self.db.session
        records, shown = [], []
        for contact_id in contact_ids:
            contact = self._existing(session, contact_id)
            if any(record["id"] == str(contact["id"]) for record in records):
                raise ValidationFailed("merge.err.twice", {"ids": ["merge.err.twice"]})
            parts = CONTACT_DETAILS.parts_for(session, contact["id"], contact)
            shown.extend(CONTACT_DETAILS.subjects(parts))  # the partner, linked contacts … they show
            records.append({**CONTACT.dump(contact), **parts})
        session.rollback()
        self.audit.read(
            actor,
            "contact.compared",
            "contact",
            list(dict.fromkeys([record["id"] for record in records] + shown)),
            fields=EDITABLE_FIELDS + CONTACT_DETAILS.names(),
        )
        return {"contacts": records, "differs": rules.differences(records)}

    # --- merge ------------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def merge_contacts(self, survivor_id, merged_ids, chosen=None):
        """Merge ``merged_ids`` into ``survivor_id`` in one transaction, taking each field in
        ``chosen`` ({field or 'custom.<key>': contact id}) from that contact; every link moves to the
        survivor and the merged ids resolve to it from now on."""
        actor = self.context.require("contacts.delete")
        self.context.require("contacts.edit")
        rules.check_ids(survivor_id, merged_ids)
        with self.db.transaction() as session:
            survivor_key = self._existing(session, survivor_id)["id"]
            merged_keys = [self._existing(session, value)["id"] for value in merged_ids]
            rules.check_distinct(survivor_key, merged_keys)
            locked = storage.lock_contacts(session, [survivor_key, *merged_keys])
            custom = {key: custom_storage.active_values(session, key) for key in locked}
            survivor = {**locked[survivor_key], "custom": custom[survivor_key]}
            merged = [{**locked[key], "custom": custom[key]} for key in merged_keys]
            changed, custom_from, fields_from = rules.plan_merge(survivor, merged, chosen)
            errors = WholeContactRules().validate({**survivor, **changed})
            if errors:
                raise ValidationFailed("The merged contact would not be valid.", errors)
            self._merge_couples(session, survivor_key, merged_keys)
            self._merge_memberships(session, survivor_key, merged_keys)
            storage.move_names_and_statuses(session, survivor_key, merged_keys)
            for name in rules.former_names(survivor, changed, merged):
                storage.add_former_name(session, survivor_key, name)
            for key, source in custom_from.items():
                if source != str(survivor_key):
                    storage.take_custom_value(session, survivor_key, uuid.UUID(source), key)
            storage.repoint_contact_links(session, survivor_key, merged_keys)
            storage.move_affiliations_and_photo(session, survivor_key, merged_keys)
            consent_storage.move_to_survivor(session, survivor_key, merged_keys)  # G1
            paid_membership_storage.move_to_survivor(session, survivor_key, merged_keys)  # B4
            storage.redirect(session, survivor_key, merged_keys, actor.username or actor.id)
            history.move_to_survivor(session, survivor_key, merged_keys)
            storage.delete_contacts(session, merged_keys)
            storage.forget_pairs_of(session, survivor_key)
            names_text = person_rules.alt_names_text(person_storage.names_of(session, survivor_key))
            contact = contact_storage.update_contact(
                session, survivor_key, {**changed, "alt_names_text": names_text}
            )
            history.record(session, survivor_key, actor.username, survivor, contact, sorted(changed))
            history.record_custom(
                session,
                survivor_key,
                actor.username,
                survivor["custom"],
                custom_storage.active_values(session, survivor_key),
            )
            changed_fields = sorted(changed) + sorted(
                f"custom.{key}" for key, source in custom_from.items() if source != str(survivor_key)
            )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "contact.merged",
                "contact",
                [survivor_key, *merged_keys],
                fields=changed_fields,
                details={"survivor_id": str(survivor_key), "merged_ids": [str(key) for key in merged_keys]},
            )
            self.outbox.event(
                session,
                "contacts_merged",
                {
                    "survivor_id": str(survivor_key),
                    "merged_ids": [str(key) for key in merged_keys],
                    "fields_from": fields_from,
                    "changed_fields": changed_fields,
                    "contact": CONTACT.dump(contact),
                },
            )
        self.outbox.flush()
        return {
            "survivor_id": str(survivor_key),
            "merged_ids": [str(key) for key in merged_keys],
            "changed_fields": changed_fields,
            "contact": CONTACT.dump(contact),
        }

    def _merge_couples(self, session, survivor_key, merged_keys):
        """A couple of the merged contacts moves to the survivor; a couple of the pair itself ends;
        two different couples are a conflict the user must resolve first."""
        couple_of = storage.couples_of(session, [survivor_key, *merged_keys])
        inside = {key for key in couple_of if list(couple_of.values()).count(couple_of[key]) > 1}
        for couple_id in {couple_of[key] for key in inside}:
            storage.delete_couple(session, couple_id)
        outside = {key: couple_of[key] for key in couple_of if key not in inside}
        if len(outside) > 1:
            raise Conflict("merge.err.couples", {"couple": ["merge.err.couples"]})
        for key in outside:
            if key != survivor_key:
                storage.move_couple_member(session, key, survivor_key)

    def _merge_memberships(self, session, survivor_key, merged_keys):
        """Memberships move to the survivor, except an active one in a group the survivor is
        already an active member of (no duplicate active memberships)."""
        on = clock.today()
        rows = storage.memberships_of(session, [survivor_key, *merged_keys])
        active_groups = {
            row["group_id"] for row in rows if row["contact_id"] == survivor_key and tree.is_active(row, on)
        }
        move, drop = [], []
        for row in rows:
            if row["contact_id"] == survivor_key:
                continue
            if tree.is_active(row, on):
                if row["group_id"] in active_groups:
                    drop.append(row["id"])
                    continue
                active_groups.add(row["group_id"])
            move.append(row["id"])
        storage.move_memberships(session, survivor_key, move, drop)
