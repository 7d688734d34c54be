"""Q3 (issue 16), step 1, through the gateway: an application round made over the API and in the web UI,
its rubric refused with codes (API) and in the user's words beside the form (web), an application entered
with an attachment from the page's multipart form and downloaded, a round that does not exist a 404, and
a read-only user refused every change."""

import re

import pytest
import requests

from tests.conftest import ADMIN_PASSWORD, start_system

PDF = b"%PDF-1.4 hakemuksen liite"


@pytest.fixture
def system(run_services, config, clean_databases):
    system = start_system(run_services, config, clean_databases)
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    system.create_user("lukija", ADMIN_PASSWORD, role="read_only")
    return system


def web_session(system, username="admin"):
    web = requests.Session()
    form = web.get(system.base_url + "/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    web.post(
        system.base_url + "/login",
        data={"username": username, "password": ADMIN_PASSWORD, "csrf_token": csrf},
    )
    page = web.get(system.base_url + "/applications")
    return web, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_q3_a_round_and_its_applications_through_the_api_and_the_pages(system):
    api = system.api(system.token("admin", ADMIN_PASSWORD))
    base = system.base_url
    anna = api.post("/api/v1/contacts", json={"first_name": "Anna", "last_name": "Hakija"}).json()["id"]
    made = api.post(
        "/api/v1/application-rounds",
        json={"name": "Nuorisoapuraha", "form_fields": [{"key": "plan", "label": "Suunnitelma"}],
              "released_fields": ["title", "plan"]},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    round_id = made.json()["id"]
    bad = api.put(
        f"/api/v1/application-rounds/{round_id}/rubric", json={"criteria": [{"name": "A", "weight": -2}]}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "applications.rubric_invalid"
    assert bad.json()["details"] == {
        "criteria.1": [{"code": "applications.weight_not_positive", "params": {}}]
    } or (bad.json()["details"] == {"criteria.1": ["applications.weight_not_positive"]})
    rubric = {"criteria": [{"name": "Laatu", "weight": 3, "minimum": 2}]}
    assert (
        api.put(f"/api/v1/application-rounds/{round_id}/rubric", json=rubric).json()["criteria"][0]["weight"]
        == 3
    )
    missing = api.get("/api/v1/application-rounds/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "applications.round_not_found"

    web, csrf = web_session(system)
    refused = web.post(
        f"{base}/applications/{round_id}",
        data={"csrf_token": csrf, "action": "rubric", "name_1": "Laatu", "weight_1": "0", "max_score_1": "5"},
        cookies={"piiri_lang": "fi"},
    )
    assert refused.status_code == 422 and "painon on oltava positiivinen luku" in refused.text
    assert 'value="Laatu"' in refused.text  # the rows as posted stay in the form
    page = web.post(
        f"{base}/applications/{round_id}/applications",
        data={
            "csrf_token": csrf,
            "contact_id": anna,
            "title": "Bändileiri",
            "text_plan": "Soitamme",
            "language": "fi",
        },
        files={"attachment": ("leiri.pdf", PDF, "application/pdf")},
    )
    assert page.status_code == 200 and "Bändileiri" in page.text and "Soitamme" in page.text, page.text[
        -2000:
    ]
    assert "Anna Hakija" in page.text and "leiri.pdf" in page.text
    link = re.search(
        rf'href="(/applications/{round_id}/[0-9a-f-]+/attachments/[0-9a-f-]+)"', page.text
    ).group(1)
    download = web.get(base + link)
    assert download.content == PDF and download.headers["Content-Disposition"].startswith("attachment")
    too_big = web.post(
        f"{base}/applications/{round_id}/applications",
        data={"csrf_token": csrf, "contact_id": anna, "title": "Liian iso"},
        files={"attachment": ("x.exe", b"MZ", "application/x-msdownload")},
        cookies={"piiri_lang": "en"},
    )
    assert (
        too_big.status_code == 422
        and "the file type application/x-msdownload is not accepted" in too_big.text
    )

    listed = api.get(f"/api/v1/application-rounds/{round_id}/applications").json()["items"]
    assert [(item["title"], item["contact_id"], len(item["attachments"])) for item in listed] == [
        ("Bändileiri", anna, 1)
    ]
    assert web.get(f"{base}/applications").status_code == 200
    assert "Nuorisoapuraha" in web.get(f"{base}/applications/{round_id}").text

    created = web.post(
        f"{base}/applications",
        data={
            "csrf_token": csrf,
            "name": "Stipendi",
            "form_fields": "essee = Essee",
            "released_fields_text": "title, essee",
            "blind": "on",
            "reviewers_per_application": "3",
        },
        allow_redirects=False,
    )
    assert created.status_code == 303, created.text
    second = api.get("/api/v1/application-rounds/" + created.headers["Location"].rsplit("/", 1)[1])
    assert (
        second.json()["released_fields"] == ["title", "essee"]
        and second.json()["reviewers_per_application"] == 3
    )

    reader = system.api(system.token("lukija", ADMIN_PASSWORD))
    assert reader.get(f"/api/v1/application-rounds/{round_id}/applications").status_code == 200
    assert reader.post("/api/v1/application-rounds", json={"name": "x"}).status_code == 403
