"""I2 export jobs end to end over the real broker and databases: ExportsService queues a job, ExportWorker
pages contacts.export_page as the job's actor and stores the file; scope, audit, restart, errors."""

import base64
import csv
import dataclasses
import io
import json
import time
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from services.exports.service import ExportsService
from services.exports.worker import ExportWorker
from tests.mailing_flags import flag_contact

EXPORTER = (*ALL_PERMISSIONS, "contacts.export")
ADMIN = make_actor("export-admin", permissions=(*EXPORTER, "groups.manage", "fields.manage"))


def wait_job(cluster, job_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = cluster.exports.get_job(job_id)
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"export {job_id} did not finish: {job}")


def download(cluster, job):
    return b"".join(
        base64.b64decode(cluster.exports.read_file_chunk(job["id"], seq)) for seq in range(job["chunk_count"])
    )


@pytest.fixture
def world(run_services, rpc):
    """Group Board with Anna and Bertil (a couple), Cecilia outside it; a custom number field 'shoe'."""
    run_services(ContactsService, AuditService, ExportsService, ExportWorker)
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        contacts.create_custom_field(
            {"key": "shoe", "label_fi": "Kenkä", "label_en": "Shoe", "field_type": "number"}
        )
        board = contacts.create_group("Board")
        people = {}
        for first, email in (
            ("Anna", "anna@example.org"),
            ("Bertil", None),
            ("Cecilia", "cecilia@example.org"),
        ):
            people[first] = contacts.create_contact(
                {"first_name": first, "last_name": "Exporttest", "email": email, "birth_date": "1970-02-03",
                 "custom": {"shoe": 38}}
            )["id"]  # fmt: skip
        contacts.add_members(board["id"], [people["Anna"], people["Bertil"]])
        contacts.link_couple({"contact_ids": [people["Anna"], people["Bertil"]]})
        yield {"people": people, "board": board, "rpc": rpc}


def test_i2_xlsx_job_writes_typed_cells_of_chosen_and_custom_columns(world):
    """I2: an Excel export of a search: chosen columns + custom field, dates as dates, numbers as numbers."""
    with world["rpc"](ADMIN) as cluster:
        job = cluster.exports.start_export(
            {
                "format": "xlsx",
                "selection": {"kind": "search", "query": "exporttest"},
                "columns": ["display_name", "email", "birth_date", "custom.shoe"],
                "language": "en",
            }
        )
        assert job["status"] == "queued"
        done = wait_job(cluster, job["id"])
        assert done["status"] == "done", done["error"]
        assert done["rows_total"] == 3 and done["rows_done"] == 3 and done["file_name"].endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(download(cluster, done))).active
        rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "E-mail", "Date of birth", "Shoe")
    assert [row[0] for row in rows[1:]] == ["Anna Exporttest", "Bertil Exporttest", "Cecilia Exporttest"]
    assert rows[1][2].date().isoformat() == "1970-02-03" and rows[1][3] == 38
    assert rows[2][1] is None


def test_i2_scoped_actor_exports_only_their_scope_and_the_audit_names_fields_and_contacts(world, engines):
    """I2/C6: a scoped actor's group-less search export holds only in-scope contacts; each page is a
    contact.exported audit event listing the fields and every contact; the download is audited too."""
    actor = dataclasses.replace(
        make_actor("scoped-exporter", permissions=EXPORTER, roles=("staff",)),
        scoped=True,
        scope_group_ids=(world["board"]["id"],),
    )
    with world["rpc"](actor) as cluster:
        job = cluster.exports.start_export(
            {
                "format": "csv",
                "selection": {"kind": "search", "query": "exporttest"},
                "columns": ["display_name", "email"],
            }
        )
        done = wait_job(cluster, job["id"])
        assert done["status"] == "done", done["error"]
        body = download(cluster, done)
    assert body.startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert [record[0] for record in records[1:]] == ["Anna Exporttest", "Bertil Exporttest"]
    time.sleep(0.5)
    with engines["audit"].connect() as conn:
        events = conn.execute(
            text("SELECT action, subject_ids, fields, details FROM audit_events WHERE actor_username = :u"),
            {"u": "scoped-exporter"},
        ).all()
    exported = [event for event in events if event.action == "contact.exported"]
    assert len(exported) == 1
    assert sorted(exported[0].subject_ids) == sorted([world["people"]["Anna"], world["people"]["Bertil"]])
    assert exported[0].fields == ["display_name", "email"]
    assert exported[0].details["job_id"] == job["id"]
    assert any(event.action == "export.downloaded" and event.subject_ids == [job["id"]] for event in events)


def test_i2_issue11_the_exports_service_writes_the_stream_pages_and_a_contacts_card(world, engines):
    """Issue 11 item 2: exports.stream_page writes the NDJSON/JSON stream page by page (the gateway only
    concatenates), each page one audited contacts.export_page as the caller; exports.contact_file writes
    one contact's vCard or QR code; a contact outside the caller's scope is not found."""
    actor = dataclasses.replace(
        make_actor("streaming-exporter", permissions=EXPORTER, roles=("staff",)),
        scoped=True,
        scope_group_ids=(world["board"]["id"],),
    )
    selection = {"kind": "search", "query": "exporttest", "filters": {}}
    with world["rpc"](actor) as cluster:
        pages = [cluster.exports.stream_page("json", selection, ["custom.shoe"], None, 1)]
        while pages[-1]["next_cursor"]:
            pages.append(
                cluster.exports.stream_page("json", selection, ["custom.shoe"], pages[-1]["next_cursor"], 1)
            )
        with pytest.raises(ValidationFailed):
            cluster.exports.stream_page("xml", selection)
        card = cluster.exports.contact_file(world["people"]["Anna"], "vcard", {"version": "3.0"})
        qr = cluster.exports.contact_file(world["people"]["Anna"], "qr_vcard", {"image": "png"})
        with pytest.raises(NotFound):
            cluster.exports.contact_file(world["people"]["Cecilia"], "vcard")
    rows = json.loads("".join(page["data"] for page in pages))
    assert [row["display_name"] for row in rows] == ["Anna Exporttest", "Bertil Exporttest"]
    assert rows[0]["custom"] == {"shoe": 38} and pages[0]["total"] == 2
    assert {page["content_type"] for page in pages} == {"application/json"}
    assert base64.b64decode(card["data"]).startswith(b"BEGIN:VCARD\r\nVERSION:3.0")
    assert card["file_name"] == "Anna-Exporttest.vcf"
    assert base64.b64decode(qr["data"]).startswith(b"\x89PNG")
    time.sleep(0.5)
    with engines["audit"].connect() as conn:
        exported = conn.execute(
            text(
                "SELECT subject_ids FROM audit_events"
                " WHERE actor_username = :u AND action = 'contact.exported'"
            ),
            {"u": "streaming-exporter"},
        ).all()
    anna, bertil = world["people"]["Anna"], world["people"]["Bertil"]
    # One event per streamed page (Anna, Bertil), one per card (vCard and QR of Anna); none for Cecilia.
    assert sorted(event.subject_ids for event in exported) == sorted([[anna], [bertil], [anna], [anna]])


def test_i2_group_export_vcard_and_email_list_leave_out_what_they_should(world):
    """I2: a group's vCard has every member; the e-mail list leaves out contacts without an address and
    the deceased (by default for that format)."""
    people = world["people"]
    with world["rpc"](ADMIN) as cluster:
        cluster.contacts.mark_deceased(people["Anna"], {"deceased_on": "2024-01-01"})
        vcard = cluster.exports.start_export(
            {"format": "vcard", "selection": {"kind": "group", "id": world["board"]["id"]}}
        )
        emails = cluster.exports.start_export(
            {"format": "email_list", "selection": {"kind": "ids", "ids": list(people.values())}}
        )
        vcard_text = download(cluster, wait_job(cluster, vcard["id"])).decode()
        email_job = wait_job(cluster, emails["id"])
        email_text = download(cluster, email_job).decode()
    assert vcard_text.count("BEGIN:VCARD") == 2 and "FN:Anna Exporttest" in vcard_text
    assert email_text.strip() == "Cecilia Exporttest <cecilia@example.org>"
    assert email_job["rows_written"] == 1


def test_i2_bad_exports_are_refused_and_change_nothing(world, engines):
    """I2: unknown format, bad options, unknown columns, a QR of many contacts, no contacts.export: each a
    clear error and no job; an unknown custom field fails the job with the reason."""
    with world["rpc"](ADMIN) as cluster:
        exports = cluster.exports
        with pytest.raises(ValidationFailed) as unknown_format:
            exports.start_export({"format": "pdfx", "selection": {"kind": "search"}})
        assert unknown_format.value.details["format"][0]["code"] == "value.one_of"
        with pytest.raises(ValidationFailed, match="exp.err.options_invalid"):
            exports.start_export(
                {"format": "csv", "selection": {"kind": "search"}, "options": {"separator": "|"}}
            )
        with pytest.raises(ValidationFailed) as unknown_column:
            exports.start_export({"format": "csv", "selection": {"kind": "search"}, "columns": ["salary"]})
        assert unknown_column.value.details["columns"] == [
            {"code": "exp.err.unknown_column", "params": {"key": "salary"}}
        ]
        with pytest.raises(ValidationFailed, match="exp.err.one_contact"):
            exports.start_export({"format": "qr_vcard", "selection": {"kind": "search"}})
        with pytest.raises(ValidationFailed) as bad_kind:
            exports.start_export({"format": "csv", "selection": {"kind": "everyone"}})
        assert bad_kind.value.details["selection.kind"][0]["code"] == "value.one_of"
        assert exports.list_jobs()["items"] == []
        job = exports.start_export(
            {"format": "csv", "selection": {"kind": "search"}, "columns": ["custom.nosuch"]}
        )
        failed = wait_job(cluster, job["id"])
        assert failed["status"] == "failed" and failed["error"] == "value.no_custom_field"
        assert failed["error_params"] == {"key": "nosuch"}
        with pytest.raises(Conflict):
            exports.read_file_chunk(job["id"], 0)
    viewer = make_actor("viewer", permissions=("contacts.view",), roles=("staff",))
    with world["rpc"](viewer) as cluster:
        with pytest.raises(PermissionDenied):
            cluster.exports.start_export({"format": "csv", "selection": {"kind": "search"}})
        with pytest.raises(PermissionDenied):
            cluster.contacts.export_page({"kind": "search"}, ["display_name"])
    other = make_actor("other-exporter", permissions=("contacts.export",), roles=("staff",))
    with world["rpc"](other) as cluster:
        with pytest.raises(NotFound):
            cluster.exports.get_job(job["id"])  # another user's job does not exist for them


def test_i2_a_job_whose_worker_died_is_restarted(run_services, rpc, engines):
    """I2: a job left `running` by a dead worker (stale heartbeat, message gone) is queued again by the
    recovery timer and finished by a live worker; attempts counts the runs."""
    run_services(ContactsService, AuditService, ExportsService)
    with rpc(ADMIN) as cluster:
        cluster.contacts.create_contact({"first_name": "Risto", "last_name": "Restart"})
        job = cluster.exports.start_export(
            {"format": "ndjson", "selection": {"kind": "search", "query": "restart"}}
        )
    # What a worker that took the job and died leaves behind: running, a stale heartbeat, no message.
    with engines["exports"].begin() as conn:
        conn.execute(
            text(
                "UPDATE export_jobs SET status = 'running', attempts = 1,"
                " heartbeat_at = now() - interval '1 hour' WHERE id = :id"
            ),
            {"id": job["id"]},
        )
    run_services(ExportWorker, extra_config={"EXPORT_STALE_SECONDS": 2})
    with rpc(ADMIN) as cluster:
        done = wait_job(cluster, job["id"], timeout=40)
        assert done["status"] == "done" and done["attempts"] == 2
        assert b'"display_name":"Risto Restart"' in download(cluster, done)


def test_i2_export_page_pages_in_name_order_and_checks_input(world):
    """I2: export_page keyset pages (sort_name, id) with total on the first page; bad input is refused."""
    with world["rpc"](ADMIN) as cluster:
        contacts = cluster.contacts
        columns = ["display_name", "birth_date", "couple"]
        first = contacts.export_page({"kind": "search", "query": "exporttest"}, columns, None, 2)
        second = contacts.export_page(
            {"kind": "search", "query": "exporttest"}, columns, first["next_cursor"], 2
        )
        assert first["total"] == 3 and second["total"] is None and second["next_cursor"] is None
        names = [row["display_name"] for row in first["items"] + second["items"]]
        assert names == ["Anna Exporttest", "Bertil Exporttest", "Cecilia Exporttest"]
        anna = first["items"][0]
        assert anna["couple"]["address_name_fi"] in ("Anna ja Bertil Exporttest", "Bertil ja Anna Exporttest")
        assert first["items"][1]["couple"] == anna["couple"]  # both partners, one couple
        assert first["items"][0]["custom"] == {}  # no custom column asked for
        assert "email" not in anna and "organisation" not in anna  # only the fields exported are read
        assert anna["birth_date"] == "1970-02-03"
        with pytest.raises(ValidationFailed):
            contacts.export_page({"kind": "search"}, ["display_name"], None, 5000)
        with pytest.raises(ValidationFailed):
            contacts.export_page({"kind": "ids", "ids": ["not-an-id"]}, ["display_name"])
        with pytest.raises(NotFound):
            contacts.export_page({"kind": "group", "id": str(uuid.uuid4())}, ["display_name"])


def test_i2_no_export_without_its_audit_record(world, vhost):
    """I2/G2: while the audit log cannot record the reads, the job fails with the reason and no file."""
    from tests.conftest import break_audit_path, heal_audit_path

    with world["rpc"](ADMIN) as cluster:
        break_audit_path(vhost)
        try:
            job = cluster.exports.start_export({"format": "csv", "selection": {"kind": "search"}})
            failed = wait_job(cluster, job["id"])
        finally:
            heal_audit_path(vhost)
        assert failed["status"] == "failed" and "audit log cannot record" in failed["error"]
        assert failed["chunk_count"] == 0
        again = wait_job(
            cluster, cluster.exports.start_export({"format": "csv", "selection": {"kind": "search"}})["id"]
        )
        assert again["status"] == "done" and again["rows_written"] == again["rows_total"], again


def test_m5_the_mailing_flags_column_names_the_bounced_and_unsubscribed(world, run_services, engines):
    """M5 flags everywhere, in exports: the "mailing flags" column says why and since when a contact gets
    no mail, asked from the mailing service per page as the job's actor; the others' cells are empty."""
    from services.mailing.service import MailingService

    run_services(MailingService)
    anna, cecilia = world["people"]["Anna"], world["people"]["Cecilia"]
    flag_contact(engines["mailing"], anna, "bounced", day="2026-12-03")
    flag_contact(engines["mailing"], cecilia, "unsubscribed", day="2026-11-30")
    with world["rpc"](ADMIN) as cluster:
        job = cluster.exports.start_export(
            {
                "format": "csv",
                "selection": {"kind": "search", "query": "exporttest"},
                "columns": ["display_name", "mailing_flags"],
                "language": "fi",
            }
        )
        done = wait_job(cluster, job["id"])
        assert done["status"] == "done", done["error"]
        body = download(cluster, done).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == ["Nimi", "Postituksen estot"]
    assert rows[1:] == [
        ["Anna Exporttest", "Sähköposti palautui 3.12.2026"],
        ["Bertil Exporttest", ""],
        ["Cecilia Exporttest", "Peruutti tilauksen 30.11.2026"],
    ]
