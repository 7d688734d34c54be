"""G4, issue 19: an erasure leaves nothing behind. A person gets a unique value in every field that can
hold personal data; the values flow everywhere they can go (searches, a count, a saved search, an
automation run, an import named after them that updates the person and refuses one of their rows, an
upload holding them that nobody committed, a failed upload whose error names them, exports that
contain them, an export of their partner that holds them only in the couple's name, an invoice e-mailed
to them through SMTP: the mailing service's message log, B3); the person is
erased; then every table of every service's database is scanned for every value, and so are the files
the services keep (chunks of a file are put together again and a zipped file is unzipped; the
temporary directory where the export worker writes a file before storing it). Q3 (issue 16): the person
applies for a grant (title, texts, an attachment), a reviewer scores the application with a comment naming
them, another reviewer declares a conflict with a reason naming them, and the decision's note and letter
(text and PDF) name them too.

The tables are found by introspection (information_schema), so a new table or service database is
covered without editing this test. Nothing is allowed to remain: the audit log keeps its redacted
facts, which hold no value (checked like every other table); the person's id, a pseudonym, may remain
only in the places listed in ``ID_MAY_REMAIN`` (the record that the erasure was done, the redacted log,
and the protocol's own events). Invoices and the payments on them are bookkeeping records the Accounting
Act requires to keep (issue 15): they stay, with their numbers, references and amounts, but pseudonymised:
no name, address, e-mail or contact id of the person remains on them (the couple's invoice included).
"""

import base64
import io
import json
import os
import random
import tempfile
import types
import zipfile

import pypdf
import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from emulators.smtp import server as smtp_emulator
from piiri import dead_letters
from piiri.errors import Conflict, ValidationFailed
from services.audit.service import AuditService
from services.billing.service import BillingService
from services.billing.worker import BillingWorker
from services.contacts.access_report import pdf as access_pdf
from services.contacts.access_report import report as access_report
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker
from services.exports.service import ExportsService
from services.exports.worker import ExportWorker
from services.imports.service import ImportsService
from services.imports.worker import ImportWorker
from services.mailing.emulator import server as cm_emulator
from services.mailing.service import MailingService
from services.mailing.worker import MailingWorker
from services.surveys.service import SurveysService
from tests.conftest import limesurvey_emulator
from tests.events import wait_for
from tests.integration.test_data_protection import seed_purposes

PERMISSIONS = (
    *ALL_PERMISSIONS,
    "gdpr.officer",
    "contacts.import",
    "contacts.export",
    "groups.manage",
    "fields.manage",
    "automations.manage",
    "dataprotection.manage",
    "mail.send",
    "invoices.manage",
)
OFFICER = make_actor("sweep-officer", permissions=PERMISSIONS, roles=("dpo",))
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# (database, table) where the erased person's id may stay: the erasure's own record (G4 "records that
# it was done"), the audit log's redacted facts (S2: who did what, when; no values) and its list of
# erased subjects (a record arriving later is redacted on arrival), and the contacts outbox rows of the
# erasure protocol itself (ids only).
ID_MAY_REMAIN = {
    ("contacts", "erasures"),
    ("audit", "audit_events"),
    ("audit", "audit_erased_subjects"),
    ("contacts", "outbox"),
}
# The erasure protocol's events and its audit records (ids, service names and counts only).
PROTOCOL_EVENTS = {
    "contact.erasure_requested",  # the audit record of the request (ids and the reason)
    "couple_unlinked",  # the erased person's couple ends (two ids)
    "contact_erasure_requested",
    "contact_erased",
    "contact_deleted",
    "contact.erasure_service_done",
    "contact.erased",
}


def unique_values():
    """A value per kind of field, each made unique by the same random token (letters only, so that
    every name is one search word)."""
    token = "".join(random.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))
    digits = str(random.randint(1_000_000, 9_999_999))
    return {
        "first_name": f"Fq{token}",
        "middle_name": f"Mq{token}",
        "preferred_name": f"Pq{token}",
        "last_name": f"Lq{token}",
        "title": f"Tq{token}",
        "honorific": f"Hq{token}",
        "email": f"eq{token}@example.fi",
        "email2": f"ew{token}@example.org",
        "phone": f"40{digits}",  # stored as +35840…; the file has 040 …
        "street": f"Sq{token}katu 5",
        "city": f"Cq{token}",
        "city2": f"Dq{token}",
        "notes": f"Nq{token}",
        "website": f"wq{token}.example.fi",
        "tag": f"gq{token}",
        "custom": f"Vq{token}",
        "alt_name": f"Aq{token}",
        "status_note": f"Kq{token}",
        "consent_note": f"Oq{token}",
        "flag_reason": f"Yq{token}",
        "membership_role": f"Rq{token}",
        "affiliation_title": f"Jq{token}",
        "imported_city": f"Iq{token}",
        "refused_row_name": f"Xq{token}",
        "survey_answer": f"Vq{token}",
        "uncommitted_note": f"Uq{token}",
        "application_title": f"Gq{token}",
        "application_text": f"Bq{token}",
        "attachment_word": f"Zq{token}",
        "review_comment": f"Wq{token}",
        "conflict_reason": f"Qq{token}",
        "decision_note": f"Eq{token}",
    }


def make_person(contacts, values):
    contacts.create_custom_field({"key": "lempinimi", "label_fi": "Lempinimi", "field_type": "text"})
    person = contacts.create_contact(
        {
            "first_name": values["first_name"],
            "middle_name": values["middle_name"],
            "last_name": values["last_name"],
            "title": values["title"],
            "honorific": values["honorific"],
            "email": values["email"],
            "phone": "0" + values["phone"],
            "street": values["street"],
            "city": values["city"],
            "notes": values["notes"],
            "website": values["website"],
            "tags": [values["tag"]],
            "custom": {"lempinimi": values["custom"]},
        }
    )
    key = person["id"]
    contacts.update_contact(
        key,
        {
            "preferred_name": values["preferred_name"],
            "emails": [
                {"address": values["email"], "kind": "home", "primary": True},
                {"address": values["email2"], "kind": "work"},
            ],
            "addresses": [
                {"street": values["street"], "city": values["city"], "primary": True},
                {"kind": "work", "city": values["city2"]},
            ],
        },
    )
    contacts.add_alt_name(key, {"kind": "maiden", "last_name": values["alt_name"]})
    contacts.add_status(key, {"kind": "abroad", "starts_on": "2026-01-01", "note": values["status_note"]})
    contacts.record_consent(key, {"purpose": "newsletter", "given": True, "note": values["consent_note"]})
    contacts.set_membership_flag(key, {"kind": "honorary", "reason": values["flag_reason"]})  # B4
    firm = contacts.create_contact({"kind": "organisation", "organisation_name": "Pysyvä Oy"})
    contacts.add_affiliation(
        key, {"organisation_id": firm["id"], "role": "employee", "title": values["affiliation_title"]}
    )
    contacts.set_photo(key, "image/png", base64.b64encode(PNG).decode())
    return key


def flow_everywhere(cluster, key, partner, values):
    """Searches, a saved search, an automation run, an import that updates the person (and refuses a row
    of theirs), exports that contain them, and an export of their partner (the couple's address name
    names them)."""
    contacts = cluster.contacts
    assert contacts.search_contacts(q=values["last_name"])["items"]
    assert contacts.search_contacts(q=values["email"])["items"]
    assert contacts.count_contacts(q=values["last_name"])["count"] == 1  # a count names nobody (issue 12)
    assert contacts.search_contacts(q=values["last_name"][:-1] + "x")["items"] is not None  # typo search
    saved = contacts.create_saved_search(
        {"name": f"Haku {values['last_name']}", "query": values["last_name"]}
    )
    assert contacts.run_saved_search(saved["id"])["items"]
    joined, board = contacts.create_group("Liittyneet"), contacts.create_group("Hallitus")
    contacts.create_automation(
        {
            "name": "Liittyneet hallitukseen",
            "trigger_type": "member_joined",
            "trigger_config": {"group_id": joined["id"]},
            "action_type": "add_to_group",
            "action_config": {"group_id": board["id"]},
        }
    )
    contacts.add_members(joined["id"], [key], role=values["membership_role"])
    assert wait_for(lambda: contacts.automation_history()["items"], 10)
    invoice_them(cluster, key, partner, values)  # before Campaign Monitor flags the address as bounced
    to_campaign_monitor(cluster, joined["id"], values)
    run_import(cluster, values)
    survey_everything(cluster, key, values)
    upload_without_commit(cluster, values)
    fail_upload(cluster, values)
    for export in (
        {"format": "csv", "selection": {"kind": "ids", "ids": [key]}},
        {"format": "xlsx", "selection": {"kind": "search", "query": values["last_name"]}},
        {"format": "json", "selection": {"kind": "ids", "ids": [partner]}},
    ):
        job = cluster.exports.start_export(export)
        done = wait_for(
            lambda job=job: (j := cluster.exports.get_job(job["id"]))["status"] == "done" and j, 30
        )
        assert done and done["rows_written"] == 1, cluster.exports.get_job(job["id"])
    return saved["id"]


SURVEY_SID = 777001


def survey_everything(cluster, key, values):
    """Issue 16: the person is a LimeSurvey survey participant; their response proposes a change."""
    group = cluster.contacts.create_group("Kyselyyn")
    cluster.contacts.add_members(group["id"], [key])
    link = cluster.surveys.link_survey(
        {
            "sid": SURVEY_SID,
            "selection": {"kind": "group", "id": group["id"]},
            "mapping": {"kaupunki": "city"},
        }
    )
    assert cluster.surveys.push_participants(link["id"])["added"] == 1
    cluster.surveys.invite_participants(link["id"])
    [participant] = cluster.surveys.list_participants(link["id"])["items"]
    installation = cluster.limesurvey.installation
    token = installation.surveys[SURVEY_SID].tokens[participant["tid"]]["token"]
    installation.submit_response(SURVEY_SID, {"kaupunki": values["survey_answer"]}, token=token)
    assert cluster.surveys.sync_survey(link["id"])["responses"] == {"proposed": 1}


REVIEWERS = [
    make_actor(name, permissions=(), roles=("reviewer",)) for name in ("sweep-expert", "sweep-jaavi")
]


def apply_for_a_grant(cluster, rpc, key, values):
    """Q3 (issue 16): the person's application (title, text, an attachment) in a round; one reviewer scores
    it with a comment naming them, another declares a conflict with a reason naming them; a decision
    whose note names them, and its letter read as text and as a PDF."""
    surveys = cluster.surveys
    made = surveys.create_round(
        {"name": "Apuraha", "form_fields": [{"key": "plan", "label": "Suunnitelma"}],
         "released_fields": ["title", "plan", "attachments"]}
    )  # fmt: skip
    surveys.set_rubric(made["id"], {"criteria": [{"name": "Laatu", "weight": 1}]})
    criterion = surveys.get_round(made["id"])["criteria"][0]["id"]
    attachment = f"Liite: {values['attachment_word']}".encode()
    application = surveys.add_application(
        made["id"],
        {
            "contact_id": key,
            "title": values["application_title"],
            "texts": {"plan": values["application_text"]},
            "attachments": [
                {"filename": "liite.txt", "content_type": "text/plain",
                 "content_base64": base64.b64encode(attachment).decode()}
            ],
        },
    )  # fmt: skip
    for actor in REVIEWERS:
        reviewer = surveys.add_reviewer(made["id"], {"user_id": actor.id, "username": actor.username})
        surveys.assign_reviewer(
            made["id"], {"application_id": application["id"], "reviewer_id": reviewer["id"]}
        )
    surveys.update_round(made["id"], {"phase": "review"})
    expert, conflicted = REVIEWERS
    with rpc(expert, timeout=30) as portal:
        portal.surveys.my_review(application["id"])
        comment = {"score": 3, "comment": f"Tunnen työn, {values['review_comment']}"}
        portal.surveys.save_review(application["id"], {criterion: comment}, True)
    with rpc(conflicted, timeout=30) as portal:
        portal.surveys.declare_my_conflict(
            application["id"], {"reason": f"Naapuri {values['conflict_reason']}"}
        )
    surveys.update_round(made["id"], {"phase": "decide"})
    surveys.decide_application(
        made["id"], application["id"], {"decision": "accept", "note": f"Tervetuloa {values['decision_note']}"}
    )
    surveys.decision_letter(made["id"], application["id"])
    surveys.decision_letter_pdf(made["id"], application["id"])
    return made["id"], application["id"]


def erased_at_limesurvey(installation):
    """G4 reaches LimeSurvey: the person's participant entry and response are deleted there."""
    survey = installation.surveys[SURVEY_SID]
    return survey.tokens == {} and survey.responses == {}


def to_campaign_monitor(cluster, group_id, values):
    """M1, M5: a mailing list of the group synced to Campaign Monitor (the emulator) holds the person's
    address and fields; a bounce there flags them at the next sync."""
    mailing_list = cluster.mailing.create_list(
        {
            "name": "Liittyneiden uutiskirje",
            "purpose": "newsletter",
            "source_kind": "group",
            "source_id": group_id,
            "fields": ["first_name", "last_name", "city", "custom.lempinimi"],
        }
    )
    for round_no in (1, 2):
        run = cluster.mailing.start_sync(mailing_list["id"])
        done = wait_for(lambda run=run: cluster.mailing.sync_run(run["id"])["status"] == "done", 30)
        assert done, cluster.mailing.sync_run(run["id"])
        if round_no == 1:
            cm_list_id = cluster.mailing.get_list(mailing_list["id"])["cm_list_id"]
            CM["server"].account.deactivate(cm_list_id, values["email"], "Bounced")
    assert cluster.mailing.sync_run(run["id"])["counts"]["excluded"] == {"bounced": 1}


def ktl_file(reference, cents, payer):
    """A KTL reference-payment file paying ``reference`` into BILLING_IBAN's account (the default)."""
    payment = (
        f"312345600000785261201261201SWEEP{reference[-11:]:0>11}{reference:0>20}{payer[:12]:<12}1A"
        f"{cents:010d}0A "
    )
    return "\r\n".join(
        [f"0261201120047020840699{'1':<68}", payment, f"9{1:06d}{cents:011d}{0:06d}{0:011d}".ljust(90)]
    ).encode("latin-1")


def invoice_them(cluster, key, partner, values):
    """Issue 15: a couple's invoice (addressed to both: it names the person), one of the person's own
    with free lines, a payment from the bank file with their name, and the PDF read."""
    fee = cluster.billing.create_fee_type({"name": "Jäsenmaksu 2027", "amount": "30.00"})
    run = cluster.billing.start_run(
        {
            "fee_type_id": fee["id"],
            "per_couple": True,
            "delivery": "email",  # the person has an e-mail address, the partner none: the person pays
            "selection": {"kind": "ids", "ids": [partner, key]},
        }
    )
    done = wait_for(lambda: (r := cluster.billing.get_run(run["id"]))["status"] == "done" and r, 30)
    assert done and done["invoices_created"] == 1, cluster.billing.get_run(run["id"])
    own = cluster.billing.create_invoice(
        {
            "contact_id": key,
            "delivery": "email",
            "lines": [{"description": "Kurssimaksu", "unit_price": "12.50"}],
        }
    )
    assert values["last_name"] in own["payer_name"] and own["email"] == values["email"]
    paid = cluster.billing.import_bank_file(
        "sweep.SVM", base64.b64encode(ktl_file(own["reference"], 1250, values["last_name"])).decode()
    )
    assert paid["matched"] == 1, paid
    cluster.billing.invoice_pdf(own["id"])
    # B3: the invoice e-mailed (the message log holds the address, the subject and the text with the name)
    cluster.billing.send_invoice_by_email(own["id"])
    sent = lambda: cluster.billing.email_deliveries(own["id"])["items"][0]["status"] == "sent"  # noqa: E731
    assert wait_for(sent, 30), cluster.billing.email_deliveries(own["id"])


def run_import(cluster, values):
    header = "Etunimi;Sukunimi;Sähköposti;Kaupunki;Puhelin;Syntymäaika"
    rows = [
        f"{values['first_name']};{values['last_name']};{values['email']};{values['imported_city']};"
        f"0{values['phone']};",
        f"{values['refused_row_name']};{values['last_name']};{values['email2']};;;not a date",
    ]
    data = ("\n".join([header, *rows]) + "\n").encode("utf-8")
    imports = cluster.imports
    job = imports.create_import(f"jasenet {values['last_name']}.csv")  # a file name naming the person
    imports.upload_part(job["id"], 0, base64.b64encode(data).decode())
    job = imports.finish_upload(job["id"])
    imports.save_mapping(job["id"], job["mapping"], {"on_duplicate": "update_overwrite"})
    imports.validate(job["id"])
    validated = wait_for(lambda: (j := imports.get_import(job["id"]))["status"] == "validated" and j, 30)
    assert validated and validated["invalid_rows"] == 1, imports.get_import(job["id"])
    imports.start(job["id"], "valid_rows")
    done = wait_for(lambda: (j := imports.get_import(job["id"]))["status"] == "done" and j, 30)
    assert done and done["counts"].get("updated") == 1, imports.get_import(job["id"])


def upload_without_commit(cluster, values):
    """An upload holding the person, validated (preview, batches) and never committed: it names no
    contact id, only the person's values."""
    header = "Etunimi;Sukunimi;Sähköposti;Lisätietoja"
    row = f"{values['first_name']};{values['last_name']};{values['email']};{values['uncommitted_note']}"
    imports = cluster.imports
    job = imports.create_import("uudet.csv")
    imports.upload_part(job["id"], 0, base64.b64encode(f"{header}\n{row}\n".encode()).decode())
    job = imports.finish_upload(job["id"])
    imports.save_mapping(job["id"], job["mapping"], {"on_duplicate": "skip"})
    imports.validate(job["id"])
    assert wait_for(lambda: imports.get_import(job["id"])["status"] == "validated", 30)


def fail_upload(cluster, values):
    """A file whose first row is the person's (no header): it fails, its error naming their surname."""
    imports = cluster.imports
    job = imports.create_import("perhe.csv")
    line = f"{values['first_name']};{values['last_name']};{values['last_name']}\n"
    imports.upload_part(job["id"], 0, base64.b64encode(line.encode()).decode())
    with pytest.raises(ValidationFailed):
        imports.finish_upload(job["id"])
    failed = imports.get_import(job["id"])
    assert failed["status"] == "failed" and values["last_name"] in json.dumps(failed["error"]), failed


# --- the sweep -------------------------------------------------------------------------------------------


def tables_of(conn):
    return conn.execute(
        text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    ).scalars().all()  # fmt: skip


def kept_files(conn, table):
    """The byte columns of ``table`` put together per owner: chunks ordered by the primary key's last
    column (a file kept in parts), each whole; a zip (xlsx) is unzipped into its members."""
    byte_columns = conn.execute(
        text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name = :t AND data_type = 'bytea'"
        ),
        {"t": table},
    ).scalars().all()  # fmt: skip
    if not byte_columns:
        return []
    key = conn.execute(
        text(
            "SELECT k.column_name FROM information_schema.table_constraints c"
            " JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name"
            " AND k.table_name = c.table_name WHERE c.table_name = :t AND c.constraint_type = 'PRIMARY KEY'"
            " ORDER BY k.ordinal_position"
        ),
        {"t": table},
    ).scalars().all()  # fmt: skip
    files = []
    for column in byte_columns:
        order = ", ".join(f'"{name}"' for name in key) or "ctid"
        owner = f'"{key[0]}"::text' if len(key) > 1 else "''"
        wholes = {}
        for who, data in conn.execute(text(f'SELECT {owner}, "{column}" FROM "{table}" ORDER BY {order}')):
            wholes[who] = wholes.get(who, b"") + bytes(data or b"")
        for data in wholes.values():
            files.append(data)
            if data.startswith(b"PK"):
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    files.extend(archive.read(name) for name in archive.namelist())
    return files


def sweep(engines, needles, amqp_uri=None):
    """{(database, table): [names of the values found]} over every table of every database: each row
    as text, and the files kept in byte columns; with ``amqp_uri`` also {("rabbitmq", dead-letter
    queue): [...]} over every dead letter (issue 11 item 6: they hold copies of messages)."""
    found = {}
    for path, data in temporary_files():
        hits = [name for name, value in needles.items() if value.lower().encode() in data.lower()]
        if hits:
            found[("tmp", path)] = hits
    if amqp_uri:
        for letter in dead_letters.list_letters(amqp_uri):
            seen = json.dumps(letter, ensure_ascii=False, default=str).lower()
            hits = [name for name, value in needles.items() if value.lower() in seen]
            if hits:
                key = ("rabbitmq", letter["dead_letter_queue"])
                found[key] = sorted({*found.get(key, []), *hits})
    for database, engine in engines.items():
        with engine.connect() as conn:
            for table in tables_of(conn):
                rows = " ".join(conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()).lower()
                files = b" ".join(kept_files(conn, table)).lower()
                hits = sorted(
                    name
                    for name, value in needles.items()
                    if value.lower() in rows
                    or value.encode().hex() in rows
                    or value.lower().encode() in files
                )
                if hits:
                    found[(database, table)] = hits
    return found


def temporary_files():
    """(path, bytes) of Piiri's files in the temporary directory (an export is written there first)."""
    folder = tempfile.gettempdir()
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.startswith("piiri") and os.path.isfile(path):
            try:
                with open(path, "rb") as handle:
                    yield path, handle.read()
            except OSError:  # gone meanwhile
                continue


def words_of(values):
    """The values as searched for: each whole value, and its letters-only search word where the value has
    more (an e-mail's local part, a street's word)."""
    needles = dict(values)
    needles.update({"street_word": values["street"].split()[0], "email_word": values["email"].split("@")[0]})
    needles["photo"] = PNG.hex()
    return needles


CM = {}


@pytest.fixture
def limesurvey():
    server, _ = limesurvey_emulator(SURVEY_SID, "Kysely", attributes=2)
    yield server
    server.shutdown()


@pytest.fixture
def everything(run_services, rpc, clean_databases, limesurvey, tmp_path):
    seed_purposes(clean_databases)
    CM["server"] = cm_emulator.start("sweep-key", "sweep-client", tmp_path / "cm", tick=0.1)
    CM["smtp"] = smtp_emulator.serve()
    campaign_monitor = {
        "SMTP_HOST": CM["smtp"].host,
        "SMTP_PORT": CM["smtp"].smtp_port,
        "SMTP_FROM": "laskutus@piiri.example",
        "CAMPAIGN_MONITOR_BASE_URI": CM["server"].base_uri,
        "CAMPAIGN_MONITOR_API_KEY": "sweep-key",
        "CAMPAIGN_MONITOR_CLIENT_ID": "sweep-client",
        "CAMPAIGN_MONITOR_CA_FILE": CM["server"].cert_path,
        "GDPR_SERVICES": "contacts,audit,imports,exports,surveys,mailing,billing",
    }
    # Published outbox rows (whole contacts' data) would go OUTBOX_KEEP_SECONDS (300 s) after they were
    # sent; the erasure deletes those about the person when it completes: the default keep time here.
    survey_settings = {
        "LIMESURVEY_URL": limesurvey.url,
        "LIMESURVEY_USER": "piiri",
        "LIMESURVEY_PASSWORD": "secret",
    }
    run_services(
        ContactsService,
        ContactsWorker,
        AuditService,
        ImportsService,
        ExportsService,
        SurveysService,
        MailingService,
        extra_config={"SURVEY_SYNC_SECONDS": 0, **survey_settings, **campaign_monitor},
    )
    run_services(
        ImportWorker,
        ExportWorker,
        MailingWorker,
        extra_config={"IMPORT_STALE_SECONDS": 2, **campaign_monitor},
    )
    run_services(BillingService, BillingWorker, extra_config=campaign_monitor)
    with rpc(OFFICER, timeout=30) as cluster:
        cluster.limesurvey = limesurvey
        yield cluster
    CM.pop("server").stop()
    CM.pop("smtp").stop()


def dead_letter_of(config, key, values):
    """A contact event of the person that a consumer could not handle, dead-lettered (issue 11 item 6)."""
    message = types.SimpleNamespace(
        body=json.dumps({"contact_id": key, **values}, ensure_ascii=False).encode(),
        headers={},
        delivery_info={"exchange": "contacts.events", "routing_key": "contact_updated"},
        properties={},
        content_type="application/json",
        content_encoding="utf-8",
    )
    publisher = dead_letters.DeadLetterPublisher(config["AMQP_URI"])
    publisher.dead_letter(
        message, "evt-contacts-contact_updated--mailing.on_contact", 5, "RuntimeError: down"
    )


@pytest.mark.timeout(300)  # every service and worker of the system, and a flow through all of them
def test_g4_issue19_an_erased_person_leaves_no_value_in_any_table_or_kept_file(
    everything, clean_databases, config, rpc
):
    cluster, values = everything, unique_values()
    key = make_person(cluster.contacts, values)
    other = cluster.contacts.create_contact({"first_name": "Maija", "last_name": "Pysyvä"})
    cluster.contacts.link_couple({"contact_ids": [key, other["id"]]})
    saved_id = flow_everywhere(cluster, key, other["id"], values)
    round_id, application_id = apply_for_a_grant(cluster, rpc, key, values)
    dead_letter_of(config, key, values)
    needles = words_of(values)
    before = sweep(clean_databases, needles, config["AMQP_URI"])
    # Every value was stored somewhere and the sweep sees it there: an empty sweep afterwards means gone.
    assert set().union(*before.values()) == set(needles), set(needles) - set().union(*before.values())
    assert {("contacts", "contacts"), ("contacts", "search_words"), ("imports", "import_files")} <= set(
        before
    )
    assert ("exports", "export_file_chunks") in before, before  # the sweep sees into kept files
    assert {("mailing", "list_members"), ("mailing", "contact_flags"), ("mailing", "mail_messages")} <= set(
        before
    ), before
    assert ("rabbitmq", "piiri.dead_letters") in before, before  # and into the dead letters
    q3_tables = {"applications", "application_attachments", "review_scores", "reviewer_declarations"}
    assert {("surveys", table) for table in q3_tables} <= set(before), before  # Q3: all four hold them

    imports, exports = held_elsewhere(cluster, key)
    invoices = cluster.billing.personal_data(key)["sections"]["invoices"]
    assert len(invoices) == 2 and all(invoice["payer_name"] for invoice in invoices)

    erasure = cluster.contacts.request_erasure(key, "the person's request (issue 19 sweep)")
    assert set(erasure["services"]) >= {
        "contacts",
        "audit",
        "imports",
        "exports",
        "surveys",
        "mailing",
        "billing",
    }
    done = wait_for(lambda: cluster.contacts.get_erasure(erasure["id"])["completed_at"], 30)
    assert done, cluster.contacts.get_erasure(erasure["id"])

    wait_for(lambda: not sweep(clean_databases, needles, config["AMQP_URI"]), 15)  # late audit records
    left = sweep(clean_databases, needles, config["AMQP_URI"])
    assert left == {}, "\n".join(f"{k}: {v}" for k, v in left.items())
    assert cluster.contacts.get_contact(other["id"])["last_name"] == "Pysyvä"  # nobody else is touched
    assert cluster.contacts.search_contacts(q="Pysyvä")["items"]
    saved = cluster.contacts.get_saved_search(saved_id)  # the user's saved search stays, without the name
    assert saved["name"] == "Haku [erased]" and saved["query"] == "[erased]"
    assert cluster.contacts.run_saved_search(saved_id)["items"] == []
    assert id_remains_only_where_allowed(clean_databases, key)
    jobs_kept_without_their_files(cluster, imports, exports)
    assert erased_at_limesurvey(cluster.limesurvey.installation)
    surveys_part = cluster.contacts.get_erasure(erasure["id"])
    assert "surveys" in str(surveys_part)
    at_campaign_monitor = [
        subscriber.state
        for found in CM["server"].account.lists.values()
        for subscriber in found.subscribers.values()
    ]
    assert at_campaign_monitor == ["Deleted"]  # G4 reaches Campaign Monitor too
    invoices_kept_pseudonymised(cluster, invoices)
    application_kept_without_identity(cluster, round_id, application_id)


def application_kept_without_identity(cluster, round_id, application_id):
    """Q3: the application stays pseudonymised with its decision, the review's score and the declared
    conflict (the words about the person are gone; the sweep checked that)."""
    kept = cluster.surveys.get_application(round_id, application_id)
    assert kept["contact_id"] is None and kept["title"] is None and kept["state"] == "accepted"
    assert kept["decision_note"] is None and kept["attachments"] == []
    [result] = cluster.surveys.round_results(round_id)["items"]
    assert result["reviews"] == 1 and result["average"] == 60.0
    declared = [
        r["declarations"] for r in cluster.surveys.list_reviewers(round_id)["items"] if r["declarations"]
    ]
    assert [[item["reason"] for item in found] for found in declared] == [[""]]


def invoices_kept_pseudonymised(cluster, invoices):
    """Bookkeeping: the invoices stay with number, reference and amounts; nobody is named on them."""
    for before in invoices:
        after = cluster.billing.get_invoice(before["id"])
        for name in ("number", "reference", "total", "paid_amount", "invoice_date", "status"):
            assert after[name] == before[name], name
        assert after["erased_at"] and after["payer_name"] == "—" and after["contact_id"] is None
        assert after["street"] is None and after["email"] is None  # the partner (not erased) stays linked
    paid = [payment for payment in cluster.billing.list_payments(status="matched")["items"]]
    assert [payment["amount"] for payment in paid] == ["12.50"] and paid[0]["payer_name"] is None


def held_elsewhere(cluster, key):
    """G3 (issue 19): the imports and exports services list the imports and exports the person is in."""
    listed = cluster.imports.personal_data(key)["sections"]["imports"]
    imports = [job for job in listed if not job["found_by_values"]]  # the import that updated them
    assert [job["counts"].get("updated") for job in imports] == [1]
    assert imports[0]["kept"] == {"file_parts": 1, "row_errors": 1} and imports[0]["deleted_at"] is None
    # and the uploads that name no contact but hold the person's e-mail or whole name (issue 19)
    assert sorted(job["filename"] for job in listed if job["found_by_values"]) == ["perhe.csv", "uudet.csv"]
    exports = cluster.exports.personal_data(key)["sections"]["exports"]
    # the JSON export of the partner holds the person in the couple's address name (issue 19)
    assert sorted(job["format"] for job in exports) == ["csv", "json", "xlsx"]
    assert {job["status"] for job in exports} == {"done"}
    # The access report (JSON and PDF) gathers them with the other services' parts.
    report = access_report.gather(
        lambda service, method, arg: getattr(getattr(cluster, service), method)(arg),
        key,
        ["contacts", "audit", "imports", "exports", "surveys", "mailing", "billing"],
        "sweep-officer",
    )
    document = json.loads(access_report.as_json(report))
    assert {job["id"] for job in document["services"]["imports"]["imports"]} == {
        str(job["id"]) for job in listed
    }
    assert len(document["services"]["exports"]["exports"]) == 3
    assert [item["state"] for item in document["services"]["mailing"]["mailing_lists"]] == ["bounced"]
    pdf = pypdf.PdfReader(io.BytesIO(access_pdf.render(report, "en")))
    text_of_pdf = " ".join(page.extract_text() for page in pdf.pages)
    assert "Imports the person is in" in text_of_pdf and "Exports whose file holds the person" in text_of_pdf
    surveys = document["services"]["surveys"]  # issue 16: participant entries, responses, proposals
    assert [row["sid"] for row in surveys["survey_participants"]] == [SURVEY_SID]
    assert len(surveys["survey_responses"]) == 1 and len(surveys["survey_proposals"]) == 1
    assert "Surveys the person was invited to (LimeSurvey)" in text_of_pdf
    assert "Mailing lists at Campaign Monitor" in text_of_pdf
    return imports, exports


def jobs_kept_without_their_files(cluster, imports, exports):
    """The import and export jobs stay (who, when, counts), say that an erasure deleted their data, and
    refuse to hand out what is gone."""
    job = cluster.imports.get_import(imports[0]["id"])
    assert job["erased_at"] and job["status"] == "done" and job["counts"]["updated"] == 1
    with pytest.raises(Conflict) as refused:
        cluster.imports.row_errors(job["id"])
    assert "erased" in refused.value.message
    for export in exports:
        job = cluster.exports.get_job(export["id"])
        assert job["status"] == "expired" and job["erased_at"] and job["selection"]["erased"] is True
        with pytest.raises(Conflict):
            cluster.exports.read_file_chunk(job["id"], 0)


def id_remains_only_where_allowed(engines, key):
    where = set(sweep(engines, {"id": key}))
    assert where <= ID_MAY_REMAIN, where

    def keys():
        with engines["contacts"].connect() as conn:
            return set(
                conn.execute(
                    text("SELECT routing_key FROM outbox WHERE payload::text LIKE :id"), {"id": f"%{key}%"}
                ).scalars()
            )

    wait_for(lambda: keys() <= PROTOCOL_EVENTS, 10)  # rows published a moment ago go with the next purge
    assert keys() <= PROTOCOL_EVENTS, keys()
    return True
