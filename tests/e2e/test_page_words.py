"""The words of rendered pages (issue 11 item 5, issue 13 "human words instead of codes"): the Finnish
pages of a fixed list (contact list, contact page, import preview, audit log, exports list, access
report PDF) hold no English word of a fixed list and no raw code (``user.created``, ``email_csv``,
``first_name:``); the same pages in Swedish are in Swedish. The billing and mailing pages, and the audit
trail of a payer's contact page, have neither in Finnish nor in Swedish, nor ISO dates or amounts written
with a decimal point."""

import html
import io
import re
import time

import pytest
import requests
from pypdf import PdfReader

from tests.conftest import ADMIN_PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')

# English words that a page of the Finnish (or Swedish) UI must never show. Short, common words of UI
# text and of the services' old messages, none of which is a Finnish or Swedish word.
ENGLISH_WORDS = {
    "the", "and", "of", "not", "is", "a", "an", "with", "for", "to", "from", "by", "none", "null",
    "true", "false", "contact", "contacts", "name", "email", "e-mail", "phone", "address", "addresses",
    "created", "updated", "deleted", "viewed", "listed", "group", "groups", "search", "queued", "running",
    "done", "failed", "expired", "user", "users", "date", "row", "rows", "field", "fields", "details",
    "report", "page", "service", "kind", "person", "organisation", "female", "male", "valid", "required",
    "first", "last", "city", "street", "postal", "code", "country", "language", "notes", "birth", "exported",
    "downloaded", "imported", "changed", "action", "actor", "subject", "yes", "no", "home", "work", "mobile",
    "primary", "consent", "consents", "export", "exports", "import", "imports", "audit", "log", "access",
    "invalid", "value", "values", "must", "has", "have", "there", "this", "that", "missing", "unknown",
}  # fmt: skip
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
# A raw code: a dotted key with an underscore part (contact.email_invalid, action.contact_viewed), a
# snake_case word (email_csv, first_name), or an audit action (user.created, contact.viewed).
RAW_CODE = re.compile(r"\b[a-z]+(?:\.[a-z]+)*\.[a-z]+_[a-z_]+\b|\b[a-z]+_[a-z_]+\b|\b[a-z]+\.(?:[a-z]+ed)\b")
# What a page shows that is data, not words of the UI: the test's own contact data, e-mail addresses,
# web addresses, file names and ids (a contact's id, shortened to 8 hex digits in the audit log).
DATA = re.compile(
    r"\S+@\S+|https?://\S+|\b[\w-]+\.(?:csv|xlsx|vcf|fi|org|com|pdf|json)\b"
    r"|\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b|\b[0-9a-f]{8}\b"
)
PEOPLE = ("Aino", "Virtanen", "Eino", "Leino", "Saara", "Mäkinen", "hallitus", "Piiri")
ENGLISH_DIFFERENT = {"status", "import", "export", "pdf", "csv", "vcard", "api", "json", "id", "piiri"}
SWEDISH_TOO = {"person", "organisation", "format", "import", "export", "status"}  # Swedish words as well


@pytest.fixture
def pages(system, run_services):
    from services.exports.worker import ExportWorker
    from services.imports.worker import ImportWorker

    run_services(ImportWorker, extra_config={"IMPORT_STALE_SECONDS": 3})
    run_services(ExportWorker)
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    return system


def log_in(base_url, language):
    client = requests.Session()
    client.cookies.set("piiri_lang", language)
    form = client.get(f"{base_url}/login")
    csrf = CSRF_FIELD.search(form.text).group(1)
    data = {"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf}
    response = client.post(f"{base_url}/login", data=data, allow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def wait(api, path, *statuses):
    for _ in range(600):
        job = api.get(path).json()
        if job["status"] in statuses:
            return job
        time.sleep(0.1)
    raise AssertionError(job)


def visible_text(page):
    """A page's text as a reader meets it: the body's text and its titles, labels and placeholders."""
    body = page.split("<body", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    # code shown to be copied (M3: a subscription form's HTML snippet) and texts in a language of their own
    # (M3: the consent texts in fi, sv and en, each marked with its lang) are not words of the UI
    body = re.sub(
        r"<textarea\b[^>]*\b(?:data-code|lang=\"[a-z]{2}\")[^>]*>.*?</textarea>", " ", body, flags=re.S
    )
    attributes = re.findall(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(" ".join([text, *attributes]))


def leaks(text, also_words=frozenset()):
    """The English words and raw codes in ``text`` (the test's own data and ``also_words``, words of the
    page's own language that English has too, left out)."""
    text = DATA.sub(" ", text)
    for name in PEOPLE:
        text = text.replace(name, " ")
    codes = sorted(set(RAW_CODE.findall(text)))
    words = {word.lower() for word in WORD.findall(text)}
    return sorted(words & (ENGLISH_WORDS - ENGLISH_DIFFERENT - also_words)), codes


def make_the_pages(system, api):
    """A contact with most fields, an import waiting at its preview (one bad row), a finished export,
    audit records of it all; returns the paths of the pages and the contact's id."""
    contact = api.post(
        "/api/v1/contacts",
        json={
            "first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi", "phone": "0401234567",
            "street": "Kauppakatu 1", "postal_code": "00100", "city": "Helsinki", "birth_date": "1980-05-04",
            "tags": ["hallitus"], "gender": "female", "notes": "Saara Mäkinen suositteli.",
        },
    )  # fmt: skip
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]
    data = (
        "Etunimi;Sukunimi;Sähköposti;Syntymäaika\n"
        "Eino;Leino;eino@example.fi;1.2.1970\nSaara;Mäkinen;ei-osoite;31.2.1990\n"
        "Aino;Virtanen;aino@example.fi;4.5.1980\nEino;Leino;EINO@example.fi;1.2.1970\n"
    )  # rows 4 and 5: the preview marks an existing contact and a repeated row (issue 13 item 7)
    uploaded = api.post("/api/v1/imports", files={"file": ("jasenet.csv", data.encode(), "text/csv")})
    assert uploaded.status_code == 201, uploaded.text
    job = uploaded.json()
    mapping = {
        "Etunimi": "first_name",
        "Sukunimi": "last_name",
        "Sähköposti": "email",
        "Syntymäaika": "birth_date",
    }
    saved = api.put(f"/api/v1/imports/{job['id']}/mapping", json={"mapping": mapping, "options": {}})
    assert saved.status_code == 200, saved.text
    assert api.post(f"/api/v1/imports/{job['id']}/validate").status_code in (200, 202)
    wait(api, f"/api/v1/imports/{job['id']}", "validated")
    undone = api.post(
        "/api/v1/imports", files={"file": ("toinen.csv", b"Etunimi;Sukunimi\nSaara;Saari\n", "text/csv")}
    )
    assert undone.status_code == 201, undone.text
    undone = undone.json()
    mapped = {"mapping": {"Etunimi": "first_name", "Sukunimi": "last_name"}, "options": {}}
    assert api.put(f"/api/v1/imports/{undone['id']}/mapping", json=mapped).status_code == 200
    assert api.post(f"/api/v1/imports/{undone['id']}/validate").status_code in (200, 202)
    wait(api, f"/api/v1/imports/{undone['id']}", "validated")
    assert api.post(f"/api/v1/imports/{undone['id']}/start").status_code in (200, 202)
    wait(api, f"/api/v1/imports/{undone['id']}", "done")
    assert api.post(f"/api/v1/imports/{undone['id']}/undo").status_code == 200
    for fmt in ("email_csv", "xlsx"):
        started = api.post(
            "/api/v1/exports",
            json={"format": fmt, "selection": {"kind": "search", "query": "virtanen"}, "language": "fi"},
        )
        assert started.status_code == 202, started.text
        wait(api, f"/api/v1/exports/{started.json()['id']}", "done")
    return contact_id, {
        "contact list": "/contacts",
        "contact page": f"/contacts/{contact_id}",
        "import preview": f"/imports/{job['id']}",
        "import undone": f"/imports/{undone['id']}",
        "audit log": "/audit",
        "exports list": "/exports",
        "dashboard": "/dashboard",
    }


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_finnish_pages_have_no_english_words_and_no_raw_codes(pages):
    api = pages.api(pages.token("admin", ADMIN_PASSWORD))
    contact_id, paths = make_the_pages(pages, api)
    client = log_in(pages.base_url, "fi")
    found = {}
    for name, path in paths.items():
        page = client.get(f"{pages.base_url}{path}")
        assert page.status_code == 200, (name, page.text[:500])
        assert '<html lang="fi">' in page.text
        words, codes = leaks(visible_text(page.text))
        if words or codes:
            found[name] = (words, codes)
    report = client.get(f"{pages.base_url}/contacts/{contact_id}/access-report?format=pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    words, codes = leaks(pdf_text(report.content))
    if words or codes:
        found["access report"] = (words, codes)
    assert not found, "\n".join(f"{name}: {words} {codes}" for name, (words, codes) in found.items())


def test_swedish_pages_are_in_swedish(pages):
    api = pages.api(pages.token("admin", ADMIN_PASSWORD))
    contact_id, paths = make_the_pages(pages, api)
    client = log_in(pages.base_url, "sv")
    expected = {
        "contact list": ("Kontakter", "Sök"),
        "contact page": ("Uppgifter", "Redigera"),
        "import preview": ("Förhandsvisning", "Rader med fel", "Kompletterar kontakten", "Samma som rad 2"),
        "import undone": ("Importen har ångrats", "togs bort (1)"),
        "audit log": ("Behandlingslogg", "När"),
        "exports list": ("Mina exporter", "Format"),
        "dashboard": ("Start", "Medlemmar", "Mina senaste ändringar"),
    }
    for name, path in paths.items():
        page = client.get(f"{pages.base_url}{path}")
        assert page.status_code == 200 and '<html lang="sv">' in page.text, name
        text = visible_text(page.text)
        for words in expected[name]:
            assert words in text, (name, words)
        english, codes = leaks(text, SWEDISH_TOO)
        assert not english and not codes, (name, english, codes)
    report = client.get(f"{pages.base_url}/contacts/{contact_id}/access-report?format=pdf")
    assert "Registerutdrag" in pdf_text(report.content)


def test_accept_language_chooses_swedish_until_the_user_picks_a_language(pages):
    answer = requests.get(f"{pages.base_url}/login", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})
    assert '<html lang="sv">' in answer.text and "Logga in" in answer.text
    chosen = requests.get(
        f"{pages.base_url}/login", headers={"Accept-Language": "sv-FI"}, cookies={"piiri_lang": "fi"}
    )
    assert '<html lang="fi">' in chosen.text
    assert '<html lang="fi">' in requests.get(f"{pages.base_url}/login").text  # nothing asked: Finnish
    assert "/lang/sv" in answer.text  # the picker offers all three


# What a reader of the Finnish or Swedish UI must not meet on the billing and mailing pages: an ISO date or
# timestamp, or an amount written with a decimal point.
UNFORMATTED = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d+\.\d{2}\s*€")


def make_billing_and_mailing_pages(api):
    """A payer with an invoice run's invoice and a credited single invoice, and a mailing list of her
    group; returns the paths of the billing and mailing pages and of her contact page (whose audit trail
    then holds the billing and mailing services' records)."""
    aino = api.post(
        "/api/v1/contacts",
        json={"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi", "street": "Tie 1",
              "postal_code": "00100", "city": "Helsinki"},
    )  # fmt: skip
    assert aino.status_code == 201, aino.text
    aino = aino.json()["id"]
    group = api.post("/api/v1/groups", json={"name": "hallitus"}).json()["id"]
    assert api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": [aino]}).ok
    fee = api.post("/api/v1/billing/fee-types", json={"name": "Piiri", "amount": "1234.50"}).json()
    run = api.post(
        "/api/v1/billing/runs", json={"fee_type_id": fee["id"], "selection": {"kind": "group", "id": group}}
    )
    assert run.status_code == 202, run.text
    wait(api, f"/api/v1/billing/runs/{run.json()['id']}", "done")
    single = api.post(
        "/api/v1/billing/invoices",
        json={"contact_id": aino, "lines": [{"description": "Piiri", "unit_price": "5"}]},
    ).json()
    credit = api.post(f"/api/v1/billing/invoices/{single['id']}/credit")
    assert credit.status_code == 201, credit.text
    listed = api.post(
        "/api/v1/mailing-lists",
        json={"name": "Piiri", "purpose": "newsletter", "source_kind": "group", "source_id": group},
    )
    assert listed.status_code == 201, listed.text
    mailing_list = listed.json()["id"]
    return {
        "billing": "/billing",
        "invoices": "/billing/invoices",
        "invoice": f"/billing/invoices/{single['id']}",
        "credit note": f"/billing/invoices/{credit.json()['id']}",
        "invoice run": f"/billing/runs/{run.json()['id']}",
        "payments": "/billing/payments",
        "settlement parties": "/billing/parties",
        "settlement": "/billing/settlement",
        "mailing lists": "/mailing",
        "mailing list": f"/mailing/{mailing_list}",
        "left out": f"/mailing/{mailing_list}/excluded?reason=no_consent",
        "contact page": f"/contacts/{aino}",
    }


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_billing_and_mailing_pages_speak_the_readers_language(pages, language):
    """Issue 15, M1: the billing and mailing pages, and the audit trail of a payer's contact page, hold no
    English word, no raw code (an audit action such as invoice.listed, a purpose code), no ISO date and
    no amount with a decimal point, in Finnish and in Swedish."""
    api = pages.api(pages.token("admin", ADMIN_PASSWORD))
    paths = make_billing_and_mailing_pages(api)
    client = log_in(pages.base_url, language)
    found = {}
    for name, path in paths.items():
        page = client.get(f"{pages.base_url}{path}")
        assert page.status_code == 200 and f'<html lang="{language}">' in page.text, (name, page.text[:300])
        text = visible_text(page.text)
        words, codes = leaks(text, SWEDISH_TOO if language == "sv" else frozenset())
        unformatted = UNFORMATTED.findall(text)
        if "newsletter" in text:
            codes.append("newsletter")
        if words or codes or unformatted:
            found[name] = (words, codes, unformatted)
        if name == "credit note":  # it links to the invoice it credits
            assert f'href="{paths["invoice"]}"' in page.text
    assert not found, "\n".join(f"{name}: {problems}" for name, problems in found.items())
