"""I1 end to end over the real broker and databases: a file uploaded to the imports service, mapped,
validated and committed by the separately running ImportWorker into the contacts service — create,
duplicates, group, consents, all-or-nothing, valid rows only, a worker killed mid-import, undo, audit."""

import base64
import json
from datetime import UTC, datetime

import eventlet
import pytest
from nameko.rpc import rpc
from sqlalchemy import text
from sqlalchemy.orm import Session

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import Conflict, PermissionDenied, ValidationFailed
from services.contacts.service import ContactsService
from services.imports import jobs
from services.imports.service import ImportsService
from services.imports.worker import ImportWorker
from tests.events import wait_for
from tests.integration.test_data_protection import seed_purposes

IMPORTER = (*ALL_PERMISSIONS, "contacts.import", "groups.manage")
WORKER_CONFIG = {"IMPORT_STALE_SECONDS": 2, "IMPORT_CHUNK_ROWS": 50}


@pytest.fixture
def system(run_services, rpc, clean_databases):
    seed_purposes(clean_databases)
    run_services(ContactsService, ImportsService)
    workers = [run_services(ImportWorker, extra_config=WORKER_CONFIG)]
    with rpc(make_actor("importer", permissions=IMPORTER), timeout=30) as proxy:
        yield proxy, workers


def csv_file(rows, header="Etunimi;Sukunimi;Sähköposti;Kaupunki"):
    return ("\n".join([header, *(";".join(row) for row in rows)]) + "\n").encode("utf-8")


def upload(proxy, filename, data, part=64 * 1024):
    job = proxy.imports.create_import(filename)
    for seq, start in enumerate(range(0, len(data), part)):
        proxy.imports.upload_part(job["id"], seq, base64.b64encode(data[start : start + part]).decode())
    return proxy.imports.finish_upload(job["id"])


def wait_status(proxy, job_id, *statuses, seconds=60):
    job = wait_for(lambda: (j := proxy.imports.get_import(job_id))["status"] in statuses and j, seconds)
    assert job, proxy.imports.get_import(job_id)
    return job


def run_import(proxy, data, options=None, filename="jasenet.csv"):
    job = upload(proxy, filename, data)
    proxy.imports.save_mapping(job["id"], job["mapping"], options or {})
    proxy.imports.validate(job["id"])
    return wait_status(proxy, job["id"], "validated", "failed")


def scalar(engines, sql, service="contacts", **params):
    with engines[service].connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_i1_file_import_creates_updates_with_group_and_consents(system, clean_databases):
    proxy, _ = system
    existing = proxy.contacts.create_contact(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi"}
    )
    group = proxy.contacts.create_group("Tuodut")
    data = csv_file(
        [("Aino", "Virtanen", "AINO@example.fi", "Oulu"), ("Eino", "Leino", "eino@example.fi", "Turku")]
    )
    options = {
        "on_duplicate": "update_fill",
        "group_id": group["id"],
        "consents": [{"purpose": "newsletter", "text_version": "2026-1"}],
    }
    job = run_import(proxy, data, options)
    assert job["mapping"]["Sähköposti"] == "email" and job["invalid_rows"] == 0
    preview = proxy.imports.preview(job["id"])
    assert preview["rows"][1]["values"]["last_name"] == "Leino"
    proxy.imports.start(job["id"])
    done = wait_status(proxy, job["id"], "done", "failed")
    assert done["status"] == "done", done
    assert (done["counts"]["created"], done["counts"]["updated"]) == (1, 1)
    assert proxy.contacts.get_contact(existing["id"])["city"] == "Oulu"
    assert scalar(clean_databases, "SELECT count(*) FROM memberships WHERE group_id = :g", g=group["id"]) == 2
    assert scalar(clean_databases, "SELECT count(*) FROM consents WHERE source = 'import'") == 2
    audit = scalar(
        clean_databases,
        "SELECT payload FROM outbox WHERE routing_key = 'import.completed'",
        service="imports",
    )
    assert audit["actor"]["username"] == "importer" and audit["details"]["filename"] == "jasenet.csv"
    assert audit["details"]["created"] == 1 and audit["details"]["updated"] == 1
    assert scalar(clean_databases, "SELECT count(*) FROM outbox WHERE routing_key = 'contact.imported'") == 1


def test_i1_all_or_nothing_with_an_error_writes_nothing_then_valid_rows_only(system, clean_databases):
    proxy, _ = system
    data = csv_file([("Hyvä", "Rivi", "hyva@example.fi", "Oulu"), ("Huono", "Rivi", "ei-osoite", "Oulu")])
    job = run_import(proxy, data)
    assert (job["status"], job["invalid_rows"]) == ("validated", 1)
    errors = proxy.imports.row_errors(job["id"])["items"]
    assert errors[0]["row_number"] == 3 and "Sähköposti" in errors[0]["errors"]
    with pytest.raises(Conflict):
        proxy.imports.start(job["id"])
    assert scalar(clean_databases, "SELECT count(*) FROM contacts") == 0
    proxy.imports.start(job["id"], "valid_rows")
    done = wait_status(proxy, job["id"], "done", "failed")
    assert done["counts"]["created"] == 1 and done["counts"]["errors"] == 1
    assert scalar(clean_databases, "SELECT count(*) FROM contacts") == 1


def test_i1_the_commit_sends_the_validated_batches_without_reading_the_file(system, clean_databases):
    proxy, _ = system
    rows = [(f"Etu{i}", f"Suku{i}", f"erä{i}@example.fi", "Oulu") for i in range(120)]
    rows[30] = ("Huono", "Rivi", "ei-osoite", "Oulu")
    job = run_import(proxy, csv_file(rows))
    assert (job["validated_rows"], job["invalid_rows"]) == (120, 1)
    batches = "SELECT count(*) FROM import_row_batches WHERE job_id = :j"
    assert scalar(clean_databases, batches, service="imports", j=job["id"]) == 3  # 50-row chunks
    with clean_databases["imports"].begin() as conn:  # the file is no longer needed
        conn.execute(text("DELETE FROM import_files WHERE job_id = :j"), {"j": job["id"]})
    proxy.imports.start(job["id"], "valid_rows")
    done = wait_status(proxy, job["id"], "done", "failed")
    assert done["status"] == "done", done
    assert (done["committed_rows"], done["counts"]["created"], done["counts"]["errors"]) == (119, 119, 1)
    assert scalar(clean_databases, "SELECT count(*) FROM contacts WHERE email LIKE 'erä%'") == 119
    assert scalar(clean_databases, batches, service="imports", j=job["id"]) == 0  # kept only until done


def test_i1_a_row_matches_what_an_earlier_chunk_created_with_chunks_in_flight(system, clean_databases):
    """Chunks are sent two at a time; a row still finds the contact a row of an earlier chunk created
    (by e-mail, and by name and birth date), and one already in the registry: no duplicates."""
    proxy, _ = system
    proxy.contacts.create_contact({"first_name": "Vanha", "last_name": "Jäsen", "email": "vanha@example.fi"})
    header = "Etunimi;Sukunimi;Sähköposti;Syntymäaika;Kaupunki"
    lines, made = [], 0
    for block in range(8):  # 50-row chunks: each repeats people of the chunk just before it
        earlier = range(made - 4, made) if block else range(0)
        for i in earlier:  # by e-mail (upper case) and by name and birth date
            lines.append(
                f"Etu{i};Ketju{i};KETJU{i}@example.fi;;Turku"
                if i % 2
                else f"Etu{i};Ketju{i};;1.1.19{50 + i % 50};Vaasa"
            )
        for i in range(made, made + 50 - len(earlier)):
            lines.append(f"Etu{i};Ketju{i};ketju{i}@example.fi;1.1.19{50 + i % 50};Oulu")
        made += 50 - len(earlier)
    lines += ["Vanha;Jäsen;vanha@example.fi;;Kemi"]
    data = ("\n".join([header, *lines]) + "\n").encode()
    options = {"on_duplicate": "update_fill", "match_on": ["email", "name_birth_date"]}
    job = run_import(proxy, data, options)
    assert job["invalid_rows"] == 0, proxy.imports.row_errors(job["id"])
    # issue 17: each chunk commits after the one it repeats people of; the last chunk's one row
    # matches only a contact no other chunk matched, so it waits for none (pipeline.ChunkOrder)
    order = "SELECT array_agg(after_chunk ORDER BY chunk_no) FROM import_row_batches WHERE job_id = :j"
    assert scalar(clean_databases, order, service="imports", j=job["id"]) == [0, 1, 2, 3, 4, 5, 6, 7, 0]
    # the repeats were found across chunks through import_seen_keys (not the worker's memory), and the
    # keys are gone once the validation ended
    assert job["counts"]["found"]["in_file"] == 28, job["counts"]
    seen = "SELECT count(*) FROM import_seen_keys WHERE job_id = :j"
    assert scalar(clean_databases, seen, service="imports", j=job["id"]) == 0
    proxy.imports.start(job["id"])
    done = wait_status(proxy, job["id"], "done", "failed")
    assert done["status"] == "done", done
    counts = done["counts"]
    assert (counts["created"], counts["unchanged"], counts["updated"]) == (made, 28, 1), counts
    assert scalar(clean_databases, "SELECT count(*) FROM contacts WHERE last_name LIKE 'Ketju%'") == made
    assert scalar(clean_databases, "SELECT count(*) FROM contacts WHERE last_name = 'Jäsen'") == 1
    assert scalar(clean_databases, "SELECT city FROM contacts WHERE last_name = 'Jäsen'") == "Kemi"


def test_i1_a_broken_file_gives_its_error_and_imports_nothing(system, clean_databases):
    proxy, _ = system
    job = proxy.imports.create_import("kuva.xlsx")
    proxy.imports.upload_part(job["id"], 0, base64.b64encode(b"\x89PNG\r\n\x1a\n not a workbook").decode())
    with pytest.raises(ValidationFailed) as refused:
        proxy.imports.finish_upload(job["id"])
    assert refused.value.message == "import.file.picture"  # a picture named .xlsx, said so
    assert refused.value.details["code"] == "not_a_spreadsheet"
    assert proxy.imports.get_import(job["id"])["status"] == "failed"
    assert scalar(clean_databases, "SELECT count(*) FROM contacts") == 0


def test_i1_worker_killed_mid_import_continues_and_writes_every_row_once(
    system, run_services, clean_databases
):
    proxy, workers = system
    rows = [(f"Etu{i}", f"Suku{i}", f"henkilo{i}@example.fi", "Oulu") for i in range(1500)]
    job = run_import(proxy, csv_file(rows))
    proxy.imports.start(job["id"])
    assert wait_for(lambda: proxy.imports.get_import(job["id"])["committed_rows"] >= 100, 60)
    workers[0].kill()  # the worker dies mid-import: its heartbeat stops
    partial = proxy.imports.get_import(job["id"])
    assert partial["status"] == "committing" and partial["committed_rows"] < 1500
    run_services(ImportWorker, extra_config=WORKER_CONFIG)  # a new worker picks it up after 2 s
    done = wait_status(proxy, job["id"], "done", "failed", seconds=120)
    assert done["status"] == "done" and done["committed_rows"] == 1500
    assert done["counts"]["created"] == 1500
    assert scalar(clean_databases, "SELECT count(*) FROM contacts") == 1500
    assert scalar(clean_databases, "SELECT count(DISTINCT email) FROM contacts") == 1500


def test_i1_a_cancelled_import_stops_keeps_what_it_committed_and_can_be_undone(system, clean_databases):
    proxy, _ = system
    rows = [(f"Etu{i}", f"Peruttu{i}", f"peruttu{i}@example.fi", "Oulu") for i in range(3000)]
    job = run_import(proxy, csv_file(rows))
    proxy.imports.start(job["id"])
    assert wait_for(lambda: proxy.imports.get_import(job["id"])["committed_rows"] >= 100, 60)
    cancelled = proxy.imports.cancel(job["id"])
    assert cancelled["status"] == "cancelled"
    batches = "SELECT count(*) FROM import_row_batches WHERE job_id = :j"
    assert scalar(clean_databases, batches, service="imports", j=job["id"]) == 0
    written = "SELECT count(*) FROM contacts WHERE last_name LIKE 'Peruttu%'"
    eventlet.sleep(1.5)  # the chunks in flight when it was cancelled end; no more start
    settled = scalar(clean_databases, written)
    eventlet.sleep(1.0)
    assert scalar(clean_databases, written) == settled and 100 <= settled < 3000
    assert proxy.imports.get_import(job["id"])["status"] == "cancelled"
    undone = proxy.imports.undo(job["id"])
    assert undone["undo"]["deleted"] == settled
    assert scalar(clean_databases, written) == 0


def test_i1_undo_and_undo_refused_after_a_change(system, clean_databases):
    proxy, _ = system
    job = run_import(
        proxy, csv_file([("Aa", "Bee", "aa@example.fi", "Oulu"), ("Cee", "Dee", "cc@example.fi", "Oulu")])
    )
    proxy.imports.start(job["id"])
    wait_status(proxy, job["id"], "done")
    undone = proxy.imports.undo(job["id"])
    assert undone["status"] == "undone" and undone["undo"]["deleted"] == 2
    assert scalar(clean_databases, "SELECT count(*) FROM contacts") == 0
    second = run_import(proxy, csv_file([("Ee", "Ef", "ee@example.fi", "Oulu")]), filename="toinen.csv")
    proxy.imports.start(second["id"])
    wait_status(proxy, second["id"], "done")
    contact_id = scalar(clean_databases, "SELECT id FROM contacts")
    proxy.contacts.update_contact(str(contact_id), {"city": "Kemi"})
    with pytest.raises(Conflict) as refused:
        proxy.imports.undo(second["id"])
    assert refused.value.details["changed"][0]["contact_id"] == str(contact_id)
    assert proxy.imports.get_import(second["id"])["status"] == "done"


def test_i1_import_needs_the_import_permission(rpc, system):
    with rpc(make_actor("viewer", permissions=ALL_PERMISSIONS)) as proxy:
        with pytest.raises(PermissionDenied):
            proxy.imports.create_import("a.csv")


class BrokenContacts:
    """Stands in for the contacts service: custom fields answer, every chunk fails unexpectedly."""

    name = "contacts"

    @rpc
    def list_custom_fields(self, *args, **kwargs):
        return {"items": []}

    @rpc
    def match_import_rows(self, rows, *args, **kwargs):
        rows = json.loads(rows) if isinstance(rows, str) else rows  # the worker sends the batch's JSON text
        found = {"contact_id": None, "ambiguous": False, "keys": [], "invalid": False}
        return {"rows": [{"row": row["row"], **found} for row in rows]}

    @rpc
    def upsert_batch(self, *args, **kwargs):
        raise RuntimeError("disk on fire")


def test_i1_an_unexpected_error_fails_the_import_with_a_clear_message(run_services, rpc, clean_databases):
    """Not left 'committing' for ever (a stale job would be picked up and fail again and again)."""
    run_services(BrokenContacts, ImportsService)
    run_services(ImportWorker, extra_config=WORKER_CONFIG)
    with rpc(make_actor("importer", permissions=IMPORTER), timeout=30) as proxy:
        job = run_import(proxy, csv_file([("Aino", "Virtanen", "aino@example.fi", "Oulu")]))
        assert job["status"] == "validated"
        proxy.imports.start(job["id"])
        failed = wait_status(proxy, job["id"], "failed", "done")
    assert failed["status"] == "failed"
    assert failed["error"] == {"code": "unexpected", "message": "import.job.unexpected"}


def test_i1_a_worker_that_lost_its_job_neither_fails_nor_undoes_it(clean_databases):
    """A worker being stopped may still hit an error after another worker took its job over: it must
    leave the job alone (it once undid the chunks the new worker went on from)."""
    with Session(clean_databases["imports"]) as session:
        job = jobs.create_job(session, "jasenet.csv", {"username": "importer"})
        jobs.update_job(session, job["id"], status="committing", phase="commit", next_chunk=3)
        assert jobs.claim(session, job["id"], "worker-a", 2) is not None
        session.execute(text("UPDATE import_jobs SET heartbeat_at = now() - interval '1 minute'"))
        assert jobs.claim(session, job["id"], "worker-b", 2) is not None  # worker-a stopped beating
        now = datetime.now(UTC)
        assert jobs.fail_held(session, job["id"], "worker-a", {"code": "unexpected"}, now) is None
        assert jobs.get_job(session, job["id"])["status"] == "committing"
        before = jobs.fail_held(session, job["id"], "worker-b", {"code": "unexpected"}, now)
        assert (before["phase"], before["next_chunk"]) == ("commit", 3)
        failed = jobs.get_job(session, job["id"])
        assert (failed["status"], failed["worker_id"], failed["error"]) == (
            "failed",
            None,
            {"code": "unexpected"},
        )
        assert jobs.fail_held(session, job["id"], "worker-b", {"code": "again"}, now) is None


def test_i1_the_preview_checks_the_kept_first_rows_against_the_current_mapping_without_the_file(
    system, clean_databases
):
    proxy, _ = system
    rows = [(f"Etu{i}", f"Suku{i}", f"henkilo{i}@example.fi", "Oulu") for i in range(30)]
    rows[1] = ("Eino", "Leino", "eino@", "Turku")
    job = upload(proxy, "jasenet.csv", csv_file(rows))
    with clean_databases["imports"].begin() as conn:  # the preview must not need the stored file
        conn.execute(text("DELETE FROM import_files WHERE job_id = :id"), {"id": job["id"]})
    preview = proxy.imports.preview(job["id"])
    assert len(preview["rows"]) == 20 and preview["rows"][0]["row"] == 2
    assert preview["rows"][0]["values"]["city"] == "Oulu" and preview["rows"][1]["errors"]
    proxy.imports.save_mapping(job["id"], {**job["mapping"], "Kaupunki": None, "Sähköposti": None}, {})
    remapped = proxy.imports.preview(job["id"])["rows"]
    assert "city" not in remapped[0]["values"] and not remapped[1]["errors"]  # the e-mail is not read now


def test_i1_g5_the_import_workers_timer_deletes_the_data_of_imports_past_import_keep_hours(
    run_services, rpc, clean_databases
):
    from nameko.testing.services import entrypoint_hook
    from nameko.testing.utils import get_container

    run_services(ContactsService)
    run_services(ImportsService, extra_config={"IMPORT_KEEP_HOURS": 2})
    runner = run_services(ImportWorker, extra_config={"IMPORT_KEEP_HOURS": 2})  # issue 18: the workers expire
    with rpc(make_actor("importer", permissions=IMPORTER), timeout=30) as proxy:
        old = upload(proxy, "vanha.csv", csv_file([("Aino", "Virtanen", "aino@example.fi", "Oulu")]))
        new = upload(proxy, "uusi.csv", csv_file([("Eino", "Leino", "eino@example.fi", "Turku")]))
        assert old["expires_at"] is not None
        with clean_databases["imports"].begin() as conn:
            conn.execute(
                text("UPDATE import_jobs SET updated_at = now() - interval '3 hours' WHERE id = :id"),
                {"id": old["id"]},
            )
        with entrypoint_hook(get_container(runner, ImportWorker), "expire_data") as expire_data:
            expire_data()
        assert proxy.imports.get_import(old["id"])["status"] == "expired"
        assert proxy.imports.get_import(new["id"])["status"] == "uploaded"
        with pytest.raises(Conflict, match="were deleted on"):
            proxy.imports.preview(old["id"])
        assert proxy.imports.preview(new["id"])["rows"][0]["values"]["first_name"] == "Eino"
    assert scalar(clean_databases, "SELECT count(DISTINCT job_id) FROM import_files", service="imports") == 1


def test_issue12_7a_a_scoped_importer_cannot_send_contacts_to_a_group_outside_the_scope(system, rpc):
    """Issue 12 item 7a: the import's group_id is checked against the importer's scope when the options
    are saved and again when the commit starts, before anything is written."""
    import dataclasses

    proxy, _ = system
    inside, outside = proxy.contacts.create_group("Oma piiri"), proxy.contacts.create_group("Muu piiri")
    actor = dataclasses.replace(
        make_actor("scoped-importer", permissions=IMPORTER), scoped=True, scope_group_ids=(inside["id"],)
    )
    with rpc(actor, timeout=30) as scoped:
        job = upload(scoped, "piiri.csv", csv_file([("Eino", "Leino", "eino@example.fi", "Turku")]))
        with pytest.raises(PermissionDenied) as refused:
            scoped.imports.save_mapping(job["id"], job["mapping"], {"group_id": outside["id"]})
        assert refused.value.details == {"group_id": ["contact.outside_scope"]}
        assert (
            scoped.imports.save_mapping(job["id"], job["mapping"], {"group_id": inside["id"]})["options"][
                "group_id"
            ]
            == inside["id"]
        )
    assert proxy.contacts.members(outside["id"])["items"] == []


# --- issue 13 item 7: a safe import ---------------------------------------------------------------


def test_issue13_7_the_default_for_duplicates_fills_empty_fields_never_a_duplicate(
    system, rpc, clean_databases
):
    """No on_duplicate given: a row matching an existing contact fills its empty fields (a user who may
    not edit contacts: the row is skipped); "create" stays an explicit choice."""
    proxy, _ = system
    existing = proxy.contacts.create_contact(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi"}
    )
    job = run_import(proxy, csv_file([("Aino", "Virtanen", "aino@example.fi", "Oulu")]))
    assert job["options"]["on_duplicate"] == "update_fill"
    proxy.imports.start(job["id"])
    done = wait_status(proxy, job["id"], "done")
    assert (done["counts"]["created"], done["counts"]["updated"]) == (0, 1)
    assert scalar(clean_databases, "SELECT count(*) FROM contacts") == 1
    assert proxy.contacts.get_contact(existing["id"])["city"] == "Oulu"

    no_edit = tuple(p for p in IMPORTER if p != "contacts.edit")
    with rpc(make_actor("importer-no-edit", permissions=no_edit), timeout=30) as limited:
        job = upload(limited, "toinen.csv", csv_file([("Aino", "Virtanen", "aino@example.fi", "Kemi")]))
        assert (
            limited.imports.save_mapping(job["id"], job["mapping"], {})["options"]["on_duplicate"] == "skip"
        )
        batch = limited.imports.import_batch([{"first_name": "Aino", "email": "aino@example.fi"}])
        assert (batch["created"], batch["skipped"]) == (0, 1)

    explicit = run_import(
        proxy,
        csv_file([("Aino", "Virtanen", "aino@example.fi", "Kemi")]),
        {"on_duplicate": "create"},
        filename="kolmas.csv",
    )
    proxy.imports.start(explicit["id"])
    assert wait_status(proxy, explicit["id"], "done")["counts"]["created"] == 1
    assert scalar(clean_databases, "SELECT count(*) FROM contacts") == 2


def test_issue13_7_the_preview_marks_rows_of_existing_contacts_and_duplicates_within_the_file(
    system, rpc, clean_databases
):
    """The validation counts new rows, rows of existing contacts and rows repeating an earlier row of
    the file (over the worker's batches of 50 rows); the preview marks each row, with the existing
    contact's id and name — but a contact outside a scoped importer's scope is neither matched nor named."""
    import dataclasses

    proxy, _ = system
    existing = proxy.contacts.create_contact(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi"}
    )
    rows = [
        ("Eino", "Leino", "eino@example.fi", "Turku"),  # 2: new
        ("Aino", "Virtanen", "AINO@example.fi", "Oulu"),  # 3: the existing contact
        ("Eino", "Leino", "eino@example.fi", "Turku"),  # 4: the same as row 2
        ("Minna", "Canth", "ei-osoite", "Kuopio"),  # 5: an error
        *[(f"Etu{i}", f"Suku{i}", f"rivi{i}@example.fi", "Oulu") for i in range(60)],  # 6–65: new
        ("Eino", "Leinonen", "eino@example.fi", "Turku"),  # 66: the same as row 2, in the second batch
    ]
    job = run_import(proxy, csv_file(rows), {"commit_mode": "valid_rows"})
    assert job["counts"]["found"] == {"new": 61, "existing": 1, "in_file": 2, "ambiguous": 0}
    assert job["invalid_rows"] == 1
    preview = {row["row"]: row for row in proxy.imports.preview(job["id"])["rows"]}
    assert preview[2]["match"]["kind"] == "new"
    assert preview[3]["match"] == {
        "kind": "existing",
        "contact_id": existing["id"],
        "name": "Aino Virtanen",
        "duplicate_of": None,
    }
    assert preview[4]["match"]["kind"] == "in_file" and preview[4]["match"]["duplicate_of"] == 2
    assert preview[5]["match"] is None and preview[5]["errors"]
    proxy.imports.start(job["id"], "valid_rows")
    done = wait_status(proxy, job["id"], "done")
    assert (done["counts"]["created"], done["counts"]["updated"]) == (61, 1)
    assert scalar(clean_databases, "SELECT count(*) FROM contacts WHERE first_name = 'Eino'") == 1

    inside = proxy.contacts.create_group("Oma piiri")
    actor = dataclasses.replace(
        make_actor("scoped-importer", permissions=IMPORTER), scoped=True, scope_group_ids=(inside["id"],)
    )
    with rpc(actor, timeout=30) as scoped:
        job = upload(scoped, "piiri.csv", csv_file([("Aino", "Virtanen", "aino@example.fi", "Oulu")]))
        scoped.imports.save_mapping(job["id"], job["mapping"], {"group_id": inside["id"]})
        scoped.imports.validate(job["id"])
        job = wait_status(scoped, job["id"], "validated")
        assert job["counts"]["found"]["existing"] == 0 and job["counts"]["found"]["new"] == 1
        row = scoped.imports.preview(job["id"])["rows"][0]
        assert row["match"] == {"kind": "new", "contact_id": None, "name": None, "duplicate_of": None}


def test_issue13_7_group_and_consents_reach_matched_rows_and_undo_removes_them(system, clean_databases):
    """ "Add all to the group" and the consents apply to a matched row whose fields stay as they are
    (not only to new and changed contacts); undo removes those memberships and consents, and the job
    says what its undo did."""
    proxy, _ = system
    same = proxy.contacts.create_contact(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi", "city": "Oulu"}
    )
    filled = proxy.contacts.create_contact(
        {"first_name": "Eino", "last_name": "Leino", "email": "eino@example.fi"}
    )
    group = proxy.contacts.create_group("Tuodut")
    data = csv_file(
        [
            ("Aino", "Virtanen", "aino@example.fi", "Oulu"),  # unchanged
            ("Eino", "Leino", "eino@example.fi", "Turku"),  # fills the city
            ("Minna", "Canth", "minna@example.fi", "Kuopio"),  # new
        ]
    )
    options = {"group_id": group["id"], "consents": [{"purpose": "newsletter", "text_version": "2026-1"}]}
    job = run_import(proxy, data, options)
    proxy.imports.start(job["id"])
    done = wait_status(proxy, job["id"], "done")
    assert (done["counts"]["created"], done["counts"]["updated"], done["counts"]["unchanged"]) == (1, 1, 1)
    members = {m["id"] for m in proxy.contacts.members(group["id"])["items"]}
    assert same["id"] in members and filled["id"] in members and len(members) == 3
    consents = "SELECT count(*) FROM consents WHERE source = 'import' AND contact_id = :c"
    assert scalar(clean_databases, consents, c=same["id"]) == 1
    assert scalar(clean_databases, consents, c=filled["id"]) == 1
    audit = scalar(clean_databases, "SELECT payload FROM outbox WHERE routing_key = 'contact.imported'")
    assert same["id"] in [str(s) for s in audit["subject_ids"]]

    undone = proxy.imports.undo(job["id"])
    assert undone["status"] == "undone"
    assert undone["counts"]["undone"] == {"deleted": 1, "restored": 1}
    assert proxy.imports.get_import(job["id"])["counts"]["undone"] == {"deleted": 1, "restored": 1}
    assert proxy.contacts.members(group["id"])["items"] == []
    assert scalar(clean_databases, "SELECT count(*) FROM consents WHERE source = 'import'") == 0
    assert proxy.contacts.get_contact(same["id"])["city"] == "Oulu"
    assert proxy.contacts.get_contact(filled["id"])["city"] in (None, "")
    assert scalar(clean_databases, "SELECT count(*) FROM contacts") == 2


def test_issue13_7_a_contact_matched_twice_is_restored_field_by_field_on_undo(system, clean_databases):
    """Two rows of the file (in different chunks) fill different empty fields of the same contact: undo
    restores both, each to its value before the import."""
    proxy, _ = system
    contact = proxy.contacts.create_contact(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "a@example.fi"}
    )
    rows = [("Aino", "Virtanen", "a@example.fi", "Oulu")]
    rows += [(f"Etu{i}", f"Suku{i}", f"r{i}@example.fi", "Oulu") for i in range(60)]
    header = "Etunimi;Sukunimi;Sähköposti;Kaupunki;Puhelin"
    data = csv_file(
        [(*row, "") for row in rows] + [("Aino", "Virtanen", "a@example.fi", "", "0401234567")], header
    )
    job = run_import(proxy, data)
    proxy.imports.start(job["id"])
    wait_status(proxy, job["id"], "done")
    after = proxy.contacts.get_contact(contact["id"])
    assert after["city"] == "Oulu" and after["phone"]
    proxy.imports.undo(job["id"])
    restored = proxy.contacts.get_contact(contact["id"])
    assert restored["city"] in (None, "") and not restored["phone"]


def test_issue17_seen_keys_sql_keeps_the_first_row_moves_the_last_chunk_and_goes_with_the_batches(
    clean_databases,
):
    """jobs.seen_keys / remember_keys / clear_batches on the real imports database: what the validating
    worker reads and writes per batch instead of holding every key of the file in memory."""
    actor = {"username": "tuoja"}
    with Session(clean_databases["imports"]) as session:
        job_id = jobs.create_job(session, "jasenet.xlsx", actor)["id"]
        jobs.remember_keys(session, job_id, {11: (2, 1), -12: (3, 1), 2**63 - 1: (0, 1)})
        session.commit()
        assert jobs.seen_keys(session, job_id, [11, 99, 2**63 - 1]) == {11: (2, 1), 2**63 - 1: (0, 1)}
        known = jobs.seen_keys(session, job_id, [11, 13])
        jobs.remember_keys(session, job_id, {11: (7, 2), 13: (8, 2)}, known)  # 11 again, in chunk 2
        session.commit()
        assert jobs.seen_keys(session, job_id, [11, -12, 13]) == {11: (2, 2), -12: (3, 1), 13: (8, 2)}
        other = jobs.create_job(session, "muut.xlsx", actor)["id"]
        assert jobs.seen_keys(session, other, [11, -12, 13]) == {}  # per job
        jobs.clear_batches(session, job_id)  # cancelled, mapping changed: the keys go too
        session.commit()
        assert scalar(clean_databases, "SELECT count(*) FROM import_seen_keys", service="imports") == 0
