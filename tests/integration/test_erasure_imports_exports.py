"""G4, issue 19: the storage side of the imports and exports services' erasure, on the real databases:
which jobs lose their data (named by id, or holding the person's values), which are stopped, which texts
are redacted, which are left alone, and that a repeat changes nothing."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from piiri.erasure_keys import Matcher, match_keys
from services.exports import storage as exports
from services.imports import erasure_values
from services.imports import jobs as imports
from services.imports.limits import Limits

PERSON, SOMEONE = uuid.uuid4(), uuid.uuid4()
ACTOR = {"id": "u1", "username": "maija"}


@pytest.fixture
def export_db(clean_databases):
    with Session(clean_databases["exports"]) as session:
        yield session


@pytest.fixture
def import_db(clean_databases):
    with Session(clean_databases["imports"]) as session:
        yield session


def export_job(session, status, contacts=(), selection=None):
    job = exports.insert_job(
        session,
        {
            "actor_id": "u1",
            "actor_username": "maija",
            "actor": ACTOR,
            "format": "csv",
            "selection": selection or {"kind": "search", "query": "Virtanen"},
            "status": status,
        },
    )
    if status == "done":
        exports.write_chunk(session, job["id"], 0, b"Virtanen;Maija\n")
        exports.finish(session, job["id"], {"chunk_count": 1, "size": 15, "rows_written": 1})
        exports.record_contacts(session, job["id"], contacts)
    return job["id"]


def test_g4_issue19_exports_erasure_deletes_files_holding_the_person_and_stops_unfinished_jobs(export_db):
    holding = export_job(export_db, "done", [PERSON, SOMEONE])
    other = export_job(export_db, "done", [SOMEONE])
    running = export_job(export_db, "running")
    named = export_job(export_db, "queued", selection={"kind": "ids", "ids": [str(PERSON)]})
    export_db.commit()
    assert {job["id"] for job in exports.jobs_with_contact(export_db, PERSON)} == {holding, named}

    summary = exports.erase_contact(export_db, PERSON)
    export_db.commit()
    assert summary == {"exports": 3, "file_chunks": 1}
    held = exports.get_job(export_db, holding)
    assert held["status"] == "expired" and held["erased_at"] and held["chunk_count"] == 0
    assert held["selection"] == {"kind": "search", "erased": True}  # the search text may name the person
    assert exports.read_chunk(export_db, holding, 0) is None
    for stopped in (running, named):
        job = exports.get_job(export_db, stopped)
        assert job["status"] == "failed" and job["error"] == exports.ERASED_WHILE_RUNNING
    untouched = exports.get_job(export_db, other)
    assert untouched["status"] == "done" and untouched["erased_at"] is None
    assert exports.read_chunk(export_db, other, 0) == b"Virtanen;Maija\n"
    left = export_db.execute(text("SELECT contact_id FROM export_job_contacts")).scalars().all()
    assert left == [SOMEONE]  # the file holding the person no longer lists anyone
    assert exports.erase_contact(export_db, PERSON) == {"exports": 0, "file_chunks": 0}  # a repeat


def test_g4_issue19_imports_erasure_deletes_the_named_imports_file_and_rows_and_keeps_the_jobs(import_db):
    done = imports.create_job(import_db, "jasenet.csv", ACTOR)
    imports.update_job(import_db, done["id"], status="done", sample_rows=[["Maija", "Virtanen"]])
    imports.add_file_part(import_db, done["id"], 0, b"Etunimi;Sukunimi\nMaija;Virtanen\n")
    imports.add_row_errors(import_db, done["id"], [(3, {"Sukunimi": "Puuttuu"}, ["Maija"])])
    committing = imports.create_job(import_db, "lisaa.csv", ACTOR)
    imports.update_job(import_db, committing["id"], status="committing", phase="commit")
    imports.store_batch(import_db, committing["id"], 1, 10, 1, b'[{"row": 2}]')
    other = imports.create_job(import_db, "muut.csv", ACTOR)
    imports.add_file_part(import_db, other["id"], 0, b"Etunimi\nEino\n")
    import_db.commit()

    summary = imports.erase_jobs(import_db, [done["id"], committing["id"], uuid.uuid4()])
    import_db.commit()
    assert summary == {"imports": 2, "file_parts": 1, "row_batches": 1, "row_errors": 1}
    kept = imports.get_job(import_db, done["id"])
    assert (
        kept["status"] == "done" and kept["erased_at"] and kept["expired_at"] and kept["sample_rows"] is None
    )
    stopped = imports.get_job(import_db, committing["id"])
    assert stopped["status"] == "cancelled" and stopped["phase"] is None and stopped["erased_at"]
    assert imports.file_data(import_db, other["id"]) == b"Etunimi\nEino\n"  # not named: untouched
    assert imports.get_job(import_db, other["id"])["erased_at"] is None
    again = imports.erase_jobs(import_db, [done["id"]])
    assert again == {"imports": 1, "file_parts": 0, "row_batches": 0, "row_errors": 0}
    assert imports.get_job(import_db, done["id"])["erased_at"] == kept["erased_at"]  # the first time stays


def test_g4_issue19_imports_erasure_finds_the_person_by_values_where_no_contact_id_names_them(import_db):
    config = {"CONTEXT_KEYS": "sweep-key"}
    matcher = Matcher(
        match_keys(["maija@zyxw.fi"], ["+358401234567"], ["Maija Zyxwvirtanen"], ["zyxwvirtanen"], config),
        config,
    )
    uploaded = imports.create_job(import_db, "uudet.csv", ACTOR)  # uploaded, not committed: no contact
    imports.add_file_part(import_db, uploaded["id"], 0, b"Etunimi;Puhelin\nLiisa;050 1\nMaija;040 123 4567\n")
    preview = imports.create_job(import_db, "esikatselu.csv", ACTOR)  # only the preview rows hold them
    imports.update_job(import_db, preview["id"], status="validated", sample_rows=[["Zyxwvirtanen", "Maija"]])
    refused = imports.create_job(import_db, "hylatyt.csv", ACTOR)  # a refused row of theirs
    imports.update_job(import_db, refused["id"], status="done")
    imports.add_row_errors(import_db, refused["id"], [(2, {"Sähköposti": "Virheellinen"}, ["maija@zyxw.fi"])])
    failed = imports.create_job(import_db, "perhe Zyxwvirtanen.csv", ACTOR)  # text naming them only
    imports.update_job(
        import_db, failed["id"], status="failed", headers=["Zyxwvirtanen", "Aho"],
        error={"message": "given more than once: Zyxwvirtanen", "details": {"headers": ["Zyxwvirtanen"]}},
    )  # fmt: skip
    imports.add_row_errors(import_db, failed["id"], [(3, {"": "Sama kuin Zyxwvirtanen"}, [])])
    other = imports.create_job(import_db, "muut.csv", ACTOR)
    imports.add_file_part(import_db, other["id"], 0, b"Etunimi;Sukunimi\nMaija;Aho\n")  # another Maija
    imports.remember_mapping(import_db, "sig-person", {"Maija": "first_name", "Zyxwvirtanen": "x"}, "maija")
    imports.remember_mapping(import_db, "sig-plain", {"Etunimi": "first_name"}, "maija")
    import_db.commit()

    summary = erasure_values.erase_matching(import_db, matcher, Limits())
    import_db.commit()
    assert summary == {
        "imports_matched": 3,
        "texts_redacted": 2,
        "mappings_deleted": 1,
        "outbox_rows_deleted": 0,
    }
    for erased in (uploaded, preview, refused):
        job = imports.get_job(import_db, erased["id"])
        assert job["erased_at"] and job["sample_rows"] is None, job
        assert imports.file_data(import_db, erased["id"]) == b"" and not imports.row_errors(
            import_db, erased["id"]
        )
    assert imports.get_job(import_db, uploaded["id"])["status"] == "cancelled"  # it cannot go on
    kept = imports.get_job(import_db, failed["id"])
    assert kept["filename"] == "perhe [erased].csv" and kept["headers"] == ["[erased]", "Aho"]
    assert kept["error"] == {
        "message": "given more than once: [erased]",
        "details": {"headers": ["[erased]"]},
    }
    assert imports.row_errors(import_db, failed["id"])[0]["errors"] == {"": "Sama kuin [erased]"}
    assert imports.file_data(import_db, other["id"]) == b"Etunimi;Sukunimi\nMaija;Aho\n"  # untouched
    assert imports.remembered_mapping(import_db, "sig-person") is None
    assert imports.remembered_mapping(import_db, "sig-plain") == {"Etunimi": "first_name"}
    again = erasure_values.erase_matching(import_db, matcher, Limits())  # a repeat changes nothing
    assert again == {
        "imports_matched": 0,
        "texts_redacted": 0,
        "mappings_deleted": 0,
        "outbox_rows_deleted": 0,
    }
