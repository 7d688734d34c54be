"""Import RPCs of the contacts service (I1): ``upsert_batch`` commits one chunk of an import in one
transaction, idempotent by (import_id, chunk_no); ``undo_import`` reverses a whole import while nobody
else has changed its contacts. Logic in rules.py, SQL in storage.py."""

import json
import uuid

import eventlet
from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed, coded
from services.contacts import rich_fields, scopes
from services.contacts import storage as contact_storage
from services.contacts.consents import storage as consent_storage
from services.contacts.contract import ContactInput, whole_contact_errors
from services.contacts.core import ContactsCore
from services.contacts.custom_fields import storage as custom_storage
from services.contacts.custom_fields.values import write_custom_values
from services.contacts.groups import storage as group_storage
from services.contacts.history import storage as history
from services.contacts.imports import chunk_order, rules
from services.contacts.imports import storage as import_storage
from services.contacts.imports.contract import MAX_CHUNK_ROWS, ImportOptions, ImportRow
from services.contacts.input_fast_path import load_plain
from services.contacts.models import consents, memberships
from services.contacts.storage import update_contact

PREVIOUS_CHUNK_WAIT = 60  # seconds a chunk waits for the one before it to commit
YIELD_EVERY_ROWS = 50
ROW = ImportRow()
INPUT = ContactInput()  # schemas are reusable: building one per row costs more than loading it


def _import_id(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed("Not an import id.", {"import_id": ["contact.id_invalid"]}) from None


def _options(data, actor):
    """The options checked; ``on_duplicate`` not given: the safe default (fill empty fields, or skip the
    row for an actor who may not edit contacts)."""
    try:
        options = ImportOptions().load(data or {})
    except ValidationError as exc:
        raise ValidationFailed("The import options are not valid.", exc.normalized_messages()) from None
    if options["on_duplicate"] is None:
        options["on_duplicate"] = "update_fill" if actor.can("contacts.edit") else "skip"
    return options


def _row_values(raw):
    """(values ready to write, None) or (None, {field: [messages]}) for one row's ContactInput."""
    values = load_plain(raw)  # the schema's result for plain input, ~8 times faster
    if values is None:
        try:
            values = INPUT.load(raw)
        except ValidationError as exc:
            return None, rich_fields.flatten_errors(exc.normalized_messages())
        except Exception as exc:  # a row that is not an object of fields at all
            return None, {"_schema": [str(exc)]}
    try:
        custom = values.pop("custom", None)
        values = rich_fields.resolve({}, values)
    except ValidationFailed as exc:
        return None, exc.details
    except ValidationError as exc:
        return None, {"phone": list(exc.messages)}
    errors = whole_contact_errors(values)
    if errors:
        return None, errors
    if custom:
        values["custom"] = custom
    return values, None


def _row_errors(raw):
    """The ImportRow schema's errors of one row ({} when valid); a plain row is checked without it."""
    if not isinstance(raw, dict):
        return {"_schema": ["contact.not_object"]}
    if len(raw) == 2 and type(raw.get("row")) is int and isinstance(raw.get("values"), dict):
        return {}
    return ROW.validate(raw)


def _rows_of(rows):
    """A chunk's rows: a list, or the list as one JSON text (the imports worker sends its stored batch as
    it is: decoding one string is a C call, while the message's JSON decoder calls a Python hook for
    every object in it; issue 17)."""
    if isinstance(rows, str):
        try:
            rows = json.loads(rows)
        except ValueError:
            raise ValidationFailed("contact.invalid", {"rows": ["contact.not_object"]}) from None
    if not isinstance(rows, list) or len(rows) > MAX_CHUNK_ROWS:
        raise ValidationFailed("contact.invalid", {"rows": [coded("value.list_max", max=MAX_CHUNK_ROWS)]})
    return rows


def _prepare_rows(rows):
    """([(position, row number, values)], {position: error result}) of a chunk's rows, checked against
    the contract; CPU work that lets other greenlets (the previous chunk's writes) run every few rows."""
    prepared, results = [], {}
    for position, raw in enumerate(rows):
        errors = _row_errors(raw)
        number = raw.get("row", position + 1) if isinstance(raw, dict) else position + 1
        values, problems = (None, errors) if errors else _row_values(raw["values"])
        if problems:
            results[position] = {"row": number, "action": "error", "errors": problems}
        else:
            prepared.append((position, number, values))
        if position % YIELD_EVERY_ROWS == YIELD_EVERY_ROWS - 1:
            eventlet.sleep(0)
    return prepared, results


class ImportsRpc(ContactsCore):
    """A feature of ContactsService: the imports service's batches of contacts, and their undo."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def upsert_batch(self, import_id, chunk_no, rows, options, after=None):
        """Commit one chunk: match duplicates, create/update/skip, group, consents, undo records, audit
        and a ``contacts_imported`` event, all in one transaction. A chunk already committed returns its
        stored result and writes nothing. all_or_nothing: any bad row refuses the whole chunk (422 with
        every row's errors); valid_rows: bad rows are reported and left out.

        Chunks of one import commit in their order (chunk n waits until n - 1 is committed: a later row
        must see the contacts an earlier chunk created), but a caller may send the next chunk before
        the reply to this one: its rows are checked while this one is written. A caller that knows the
        chunk shares no match key and no matched contact with the chunks after ``after`` (the imports
        worker, issue 17) passes it: the chunk waits only until chunks 1..``after`` are committed, and
        commits beside the others (chunk_order.py)."""
        actor = self.context.require("contacts.import")
        options = _options(options, actor)
        if options["on_duplicate"].startswith("update"):
            actor.require("contacts.edit")
        import_id = _import_id(import_id)
        rows = _rows_of(rows)
        chunk_no = int(chunk_no)
        prepared, results = _prepare_rows(rows)
        self._wait_for_previous_chunk(import_id, chunk_no, after)
        with self.db.transaction() as session:
            import_storage.lock_import(session, import_id)
            if not import_storage.claim_chunk(session, import_id, chunk_no):
                result = import_storage.chunk_result(session, import_id, chunk_no)
                return {**result, "replayed": True}
            if import_storage.undone(session, import_id):
                raise Conflict("contact.import_undone", {"import_id": str(import_id)})
            if results and options["commit_mode"] == "all_or_nothing":
                raise ValidationFailed(
                    "contact.import_rows_invalid",
                    {"rows": [results[key] for key in sorted(results)]},
                    params={"count": len(results)},
                )
            result = self._import_chunk(
                session, actor, import_id, (chunk_no, len(rows)), prepared, results, options
            )
            import_storage.store_chunk_result(session, import_id, chunk_no, result)
        chunk_order.committed(import_id, chunk_no)
        self.outbox.flush()
        return {**result, "replayed": False}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def match_import_rows(self, rows, options, names=False):
        """What the duplicate matching of a commit finds for each row, without writing (the import's
        preview and its validation counts, I1): per row ``{row, contact_id, ambiguous, keys, invalid}``,
        ``contact_id`` the existing contact the row matches on ``match_on`` (only contacts in the actor's
        scope are matched, as in the commit: one outside it is neither matched nor revealed), ``keys``
        the row's match keys as text (to find rows of the same file that match each other). ``names``:
        each matched contact's ``name`` too (a read of those contacts, audited)."""
        actor = self.context.require("contacts.import")
        options = _options(options, actor)
        rows = _rows_of(rows)
        prepared, refused = _prepare_rows(rows)
        match_on = options["match_on"]
        session = self.db.session
        try:
            keys = {position: rules.row_keys(values) for position, _, values in prepared}
            matches = {}
            if match_on and prepared:
                scope = scopes.condition(session, actor)  # C6: only in-scope contacts are matched
                matches = import_storage.find_matches(session, keys, match_on, scope)
            found = {}
            for position, number, _ in prepared:
                match = rules.choose_match(
                    {kind: matches.get(kind, {}).get(position, set()) for kind in match_on}, match_on
                )
                text_keys = sorted(
                    f"{kind}:{key if isinstance(key, str) else '|'.join(map(str, key))}"
                    for kind in match_on
                    for key in keys[position][kind]
                )
                found[position] = {
                    "row": number,
                    "contact_id": None if match in (None, rules.AMBIGUOUS) else str(match),
                    "ambiguous": match == rules.AMBIGUOUS,
                    "keys": text_keys,
                    "invalid": False,
                }
            for position, result in refused.items():
                found[position] = {
                    "row": result["row"],
                    "contact_id": None,
                    "ambiguous": False,
                    "keys": [],
                    "invalid": True,
                }
            matched = sorted({r["contact_id"] for r in found.values() if r["contact_id"]})
            if names and matched:
                named = import_storage.display_names(session, matched)
                for result in found.values():
                    if result["contact_id"]:
                        result["name"] = named.get(result["contact_id"], "")
        finally:
            session.rollback()
        if names and matched:
            self.audit.read(
                actor,
                "contact.import_matched",
                "contact",
                matched,
                ("display_name",),
                {"rows": len(rows), "matched": len(matched)},
            )
        return {"rows": [found[position] for position in sorted(found)]}

    def _wait_for_previous_chunk(self, import_id, chunk_no, after=None):
        session = self.db.session
        committed = import_storage.chunk_committed if after is None else import_storage.committed_through

        def is_committed(number):
            try:
                return committed(session, import_id, number)
            finally:
                session.rollback()  # the next read takes a fresh snapshot

        if after is not None and (
            isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < chunk_no
        ):
            raise ValidationFailed(
                "contact.invalid", {"after": [coded("value.range", min=0, max=chunk_no - 1)]}
            )
        chunk_order.wait_for_previous(import_id, chunk_no, is_committed, PREVIOUS_CHUNK_WAIT, after)

    def _import_chunk(self, session, actor, import_id, chunk, prepared, results, options):
        """``chunk``: (chunk number, rows sent)."""
        chunk_no, row_count = chunk
        self._check_import_targets(session, actor, options)
        plan = self._plan_rows(session, actor, prepared, options, results)
        if (
            results
            and options["commit_mode"] == "all_or_nothing"
            and any(r["action"] == "error" for r in results.values())
        ):
            raise ValidationFailed(
                "contact.import_rows_refused",
                {"rows": [r for _, r in sorted(results.items()) if r["action"] == "error"]},
            )
        created, updated, linked = self._write_rows(
            session, actor, import_id, chunk_no, plan, options, results
        )
        ordered = [results[key] for key in sorted(results)]
        counts = {
            "created": len(created),
            "updated": len(updated),
            "skipped": sum(1 for r in ordered if r["action"] == "skipped"),
            "unchanged": sum(1 for r in ordered if r["action"] == "unchanged"),
            "errors": sum(1 for r in ordered if r["action"] == "error"),
        }
        if created or updated or linked:
            self._record_import(
                session, actor, import_id, chunk_no, (created, updated, linked), options, row_count
            )
        return {"chunk_no": chunk_no, **counts, "rows": ordered}

    def _check_import_targets(self, session, actor, options):
        if options["group_id"] is not None:
            group = group_storage.get_group(session, options["group_id"])
            if group is None or group.get("archived_at"):
                raise ValidationFailed("contact.import_no_group", {"group_id": ["contact.import_no_group"]})
            scopes.require_group_in_scope(session, actor, group)  # issue 12 item 7a
        for consent in options["consents"]:
            if consent_storage.purpose(session, consent["purpose"]) is None:
                raise ValidationFailed(
                    f"No processing purpose '{consent['purpose']}'.", {"consents": [consent["purpose"]]}
                )

    def _plan_rows(self, session, actor, prepared, options, results):
        """[(position, number, values, existing contact id or None)] after duplicate matching; skipped
        and ambiguous rows go straight into ``results``."""
        keys = {position: rules.row_keys(values) for position, _, values in prepared}
        matches = {}
        if options["on_duplicate"] != "create":
            scope = scopes.condition(session, actor)  # C6: only in-scope contacts are matched
            matches = import_storage.find_matches(session, keys, options["match_on"], scope)
        plan, seen = [], {}
        for position, number, values in prepared:
            found = {kind: matches.get(kind, {}).get(position, set()) for kind in options["match_on"]}
            match = rules.choose_match(found, options["match_on"])
            if match is None and options["on_duplicate"] != "create":
                match = self._match_in_chunk(seen, keys[position], options["match_on"])
            if match == rules.AMBIGUOUS:
                results[position] = {
                    "row": number,
                    "action": "error",
                    "errors": {"_match": ["Matches several existing contacts; cannot choose one."]},
                }
                continue
            if match is not None and options["on_duplicate"] == "skip":
                results[position] = {"row": number, "action": "skipped", "contact_id": str(match)}
                continue
            plan.append((position, number, values, match))
            target = ("row", position) if match is None else match
            for kind in options["match_on"]:
                for key in keys[position][kind]:
                    seen.setdefault((kind, key), target)
        return plan

    @staticmethod
    def _match_in_chunk(seen, keys, match_on):
        """A row of the same chunk with the same key: the match is what that row became — the contact
        it creates (('row', position)) or the existing contact it matched."""
        for kind in match_on:
            for key in keys[kind]:
                if (kind, key) in seen:
                    return seen[(kind, key)]
        return None

    def _write_rows(self, session, actor, import_id, chunk_no, plan, options, results):
        new_rows = [(p, n, v) for p, n, v, match in plan if match is None]
        inserted = import_storage.insert_contacts(
            session, [{k: val for k, val in v.items() if k != "custom"} for _, _, v in new_rows]
        )
        created, by_position, changes = [], {}, []
        needs_custom = bool(custom_storage_required(session))
        for (position, number, values), contact in zip(new_rows, inserted, strict=True):
            if values.get("custom") or needs_custom:
                self._import_custom(
                    session, contact["id"], values.get("custom"), number, True, results, position
                )
            by_position[position] = contact
            created.append(contact["id"])
            results[position] = {"row": number, "action": "created", "contact_id": str(contact["id"])}
            changes.append(_change(import_id, chunk_no, contact, "created", None))
        updated, linked = [], []
        links = options["group_id"] is not None or bool(options["consents"])
        ids = {match for _, _, _, match in plan if match is not None and not isinstance(match, tuple)}
        current = import_storage.contacts_for_update(session, ids)
        for position, number, values, match in plan:
            if match is None:
                continue
            contact = by_position[match[1]] if isinstance(match, tuple) else current[match]
            outcome = self._update_row(session, import_id, chunk_no, contact, values, options, number)
            results[position] = outcome["result"]
            if outcome.get("change"):
                changes.append(outcome["change"])
                updated.append(contact["id"])
            elif links and outcome["result"]["action"] == "unchanged":
                # a matched contact whose fields stay as they are still joins the group and gets the
                # consents (I1, issue 13 item 7): its change record (nothing to restore) lets undo
                # remove them
                changes.append(_change(import_id, chunk_no, contact, "updated", {}))
                linked.append(contact["id"])
        errors = [r for r in results.values() if r["action"] == "error"]
        if errors and options["commit_mode"] == "all_or_nothing":
            raise ValidationFailed("contact.import_rows_refused", {"rows": errors})
        updated = list(dict.fromkeys(cid for cid in updated if cid not in set(created)))
        linked = list(dict.fromkeys(cid for cid in linked if cid not in set(created) | set(updated)))
        changes = _merged(changes)
        self._import_links(session, actor, options, created, created + updated + linked, changes)
        import_storage.record_changes(session, changes)
        return created, updated, linked

    def _import_custom(self, session, contact_id, given, number, creating, results, position):
        try:
            return write_custom_values(
                session, contact_id, given or {}, creating=creating, actor=self.context.actor
            )
        except ValidationFailed as exc:
            results[position] = {"row": number, "action": "error", "errors": exc.details}
            raise ValidationFailed(
                "contact.import_custom_invalid", {"rows": [results[position]]}, params={"row": number}
            ) from None

    def _update_row(self, session, import_id, chunk_no, contact, values, options, number):
        result = {"row": number, "contact_id": str(contact["id"])}
        changes = rules.update_changes(contact, values, options["on_duplicate"], options["overwrite_fields"])
        custom_given = rules.custom_changes(
            custom_storage.active_values(session, contact["id"]) if values.get("custom") else {},
            values.get("custom"),
            options["on_duplicate"],
            options["overwrite_fields"],
        )
        try:
            resolved = rich_fields.resolve(contact, changes) if changes else {}
        except ValidationFailed as exc:
            return {"result": {**result, "action": "error", "errors": exc.details}}
        changed = {key: value for key, value in resolved.items() if contact.get(key) != value}
        if not changed and not custom_given:
            return {"result": {**result, "action": "unchanged"}}
        before = rules.before_image(contact, changed)
        if custom_given:
            before["custom"] = custom_storage.active_values(session, contact["id"])
            write_custom_values(session, contact["id"], custom_given, actor=self.context.actor)
        stored = import_storage_update(session, contact["id"], changed)
        username = self.context.actor.username
        history.record(session, contact["id"], username, contact, stored, sorted(changed))
        if custom_given:
            after = custom_storage.active_values(session, contact["id"])
            history.record_custom(session, contact["id"], username, before["custom"], after)
        return {
            "result": {**result, "action": "updated"},
            "change": _change(import_id, chunk_no, stored, "updated", before),
        }

    def _import_links(self, session, actor, options, created, touched, changes):
        """Scope group for a scoped importer's new contacts, the chosen group, consents; their ids go into
        the change records so that undo removes them."""
        by_contact = {change["contact_id"]: change for change in changes}
        today = clock.today()
        creator = scopes.creator_group(session, actor)
        if creator is not None and created:
            for contact_id, membership_id in import_storage.add_memberships(
                session, creator["id"], created, today
            ).items():
                by_contact[contact_id]["membership_ids"].append(membership_id)
        if options["group_id"] is not None:
            for contact_id, membership_id in import_storage.add_memberships(
                session, options["group_id"], touched, today
            ).items():
                by_contact[contact_id]["membership_ids"].append(membership_id)
        for consent in options["consents"]:
            added = import_storage.add_consents(
                session,
                touched,
                consent["purpose"],
                consent["text_version"],
                actor.username,
                options["source"],
            )
            for contact_id, consent_id in added.items():
                by_contact[contact_id]["consent_ids"].append(consent_id)

    def _record_import(self, session, actor, import_id, chunk_no, touched, options, row_count):
        """``touched``: (created, updated, linked: matched contacts that only joined the group or got
        the consents)."""
        created, updated, linked = touched
        details = {
            "import_id": str(import_id),
            "chunk_no": chunk_no,
            "file_name": options["file_name"],
            "rows": row_count,
            "created": len(created),
            "updated": len(updated),
            "group_id": str(options["group_id"]) if options["group_id"] else None,
            "consents": [c["purpose"] for c in options["consents"]],
        }
        self.audit.write(
            self.outbox,
            session,
            actor,
            "contact.imported",
            "contact",
            [*created, *updated, *linked],
            (),
            details,
        )
        self.outbox.event(
            session,
            "contacts_imported",
            {
                **details,
                "created_ids": [str(i) for i in created],
                "updated_ids": [str(i) for i in updated],
            },
        )

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def undo_import(self, import_id):
        """Reverse a whole import: delete the contacts it created, restore the ones it updated, remove
        the memberships and consents it added. Refused (409, with the list) if any of those contacts was
        changed since (its version differs from the one the import left)."""
        actor = self.context.require("contacts.import")
        import_id = _import_id(import_id)
        with self.db.transaction() as session:
            import_storage.lock_import(session, import_id, exclusive=True)  # chunks being written finish
            changes = import_storage.changes_of(session, import_id)
            if not changes:
                raise NotFound("Nothing of this import is left to undo.", {"import_id": str(import_id)})
            import_storage.lock_contacts(session, [c["contact_id"] for c in changes])
            changes = import_storage.changes_of(session, import_id)
            scopes.require_visible(
                session, actor, [c["contact_id"] for c in changes if c["current_version"] is not None]
            )
            changed = [c for c in changes if c["current_version"] != c["version_after"]]
            if changed:
                raise Conflict(
                    f"{len(changed)} contacts of this import have changed since; it cannot be undone.",
                    {"changed": [_changed_entry(c) for c in changed]},
                )
            created = [c["contact_id"] for c in changes if c["action"] == "created"]
            restored = [c for c in changes if c["action"] == "updated"]
            import_storage.delete_rows(
                session, memberships, [m for c in restored for m in c["membership_ids"]]
            )
            import_storage.delete_rows(session, consents, [i for c in restored for i in c["consent_ids"]])
            for change in restored:
                before = dict(change["before"] or {})
                custom = before.pop("custom", None)
                if before:
                    now = contact_storage.get_contact(session, change["contact_id"])
                    import_storage.restore_contact(session, change["contact_id"], before)
                    back = contact_storage.get_contact(session, change["contact_id"])
                    history.record(session, change["contact_id"], actor.username, now, back, sorted(before))
                if custom is not None:
                    current = custom_storage.active_values(session, change["contact_id"])
                    reset = {key: custom.get(key) for key in current if current.get(key) != custom.get(key)}
                    write_custom_values(session, change["contact_id"], reset)
                    history.record_custom(
                        session,
                        change["contact_id"],
                        actor.username,
                        current,
                        custom_storage.active_values(session, change["contact_id"]),
                    )
            import_storage.delete_contacts(session, created)
            import_storage.mark_undone(session, import_id)
            details = {
                "import_id": str(import_id),
                "deleted": len(created),
                "restored": sum(1 for c in restored if c["before"]),
            }
            subjects = [c["contact_id"] for c in changes]
            self.audit.write(
                self.outbox, session, actor, "contact.import_undone", "contact", subjects, (), details
            )
            self.outbox.event(
                session,
                "import_undone",
                {
                    **details,
                    "deleted_ids": [str(i) for i in created],
                    "restored_ids": [str(c["contact_id"]) for c in restored],
                },
            )
        self.outbox.flush()
        return details


def _change(import_id, chunk_no, contact, action, before):
    return {
        "import_id": import_id,
        "contact_id": contact["id"],
        "chunk_no": chunk_no,
        "action": action,
        "before": before,
        "version_after": contact["version"],
        "membership_ids": [],
        "consent_ids": [],
    }


def _changed_entry(change):
    name = (
        " ".join(p for p in (change["first_name"], change["last_name"]) if p) or change["organisation_name"]
    )
    return {
        "contact_id": str(change["contact_id"]),
        "name": name or "",
        "deleted": change["current_version"] is None,
    }


def _merged(changes):
    """One change record per contact: a contact created (or updated) and then updated again by a later
    row keeps its first action and before image and the version the last row left."""
    merged = {}
    for change in changes:
        first = merged.get(change["contact_id"])
        if first is None:
            merged[change["contact_id"]] = change
        else:
            first["version_after"] = change["version_after"]
            if first["action"] == "updated":  # undo restores each field as it was before the first row
                first["before"] = {**(change["before"] or {}), **(first["before"] or {})}
    return list(merged.values())


def custom_storage_required(session):
    return [f for f in custom_storage.list_fields(session) if f["required"]]


def import_storage_update(session, contact_id, changed):
    """Write the update (also when only custom values changed: the version moves, so undo can tell)."""
    return update_contact(session, contact_id, changed)
