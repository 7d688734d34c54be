"""Issue 12, API fuzzing: schemathesis against the generated OpenAPI document of the running system, as an
admin and as a user limited to one contact group: no server error, and every answer's status, content
type and body as the document says (tests/fuzz/api_fuzz.py).

A bounded smoke run here (``PIIRI_FUZZ_EXAMPLES``, default 1 case per operation, generation mode (valid,
invalid) and caller, the same cases every run: ~560 requests, ~20 s on an idle machine); ``make fuzz`` is
the long run, with more cases and a random seed (``PIIRI_FUZZ_SEED``)."""

import os
import time

import pytest
import requests

from tests.conftest import ADMIN_PASSWORD, limesurvey_emulator, start_system
from tests.fuzz.api_fuzz import Caller, fuzz

SCOPED_PASSWORD = "Sumuinen-aamu-2026-rajattu"


@pytest.fixture
def system(run_services, config, clean_databases):
    """The conftest's system, with the surveys service pointed at a LimeSurvey emulator with one survey, so
    the surveys routes are fuzzed against a configured installation (without one they answer 503
    surveys.limesurvey_not_configured, as designed)."""
    server, settings = limesurvey_emulator(1, "Sumu", attributes=2)
    yield start_system(run_services, config, clean_databases, extra_config=settings)
    server.shutdown()


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def seeded(admin_api):
    """A contact, a group, a user to act on, and a staff user limited to the group; path ids for the run."""
    group = created(admin_api.post("/api/v1/groups", json={"name": "Sumeutus"}))
    contact = created(admin_api.post("/api/v1/contacts", json={"first_name": "Aino", "last_name": "Sumu"}))
    admin_api.post(f"/api/v1/groups/{group['id']}/members", json={"contact_ids": [contact["id"]]})
    target = created(
        admin_api.post(
            "/api/v1/users", json={"username": "kohde", "password": SCOPED_PASSWORD, "role": "staff"}
        )
    )
    scoped = created(
        admin_api.post(
            "/api/v1/users", json={"username": "rajattu", "password": SCOPED_PASSWORD, "role": "staff"}
        )
    )
    created(
        admin_api.post(
            "/api/v1/user-groups",
            json={"name": "Sumeutus", "member_ids": [scoped["id"]], "contact_group_ids": [group["id"]]},
        )
    )
    return {"contact_id": contact["id"], "group_id": group["id"], "user_id": target["id"]}


def caller(system, username, password):
    token = system.token(username, password)
    return Caller(
        name=username,
        authorization=lambda: f"Bearer {token}",
        fresh_authorization=lambda: f"Bearer {system.token(username, password)}",
    )


@pytest.mark.timeout(900)  # ~20 s on an idle machine, minutes on a loaded one
def test_issue12_fuzzing_finds_no_server_error_and_no_answer_outside_the_document(system, admin_api):
    known_ids = seeded(admin_api)
    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    callers = [caller(system, "admin", ADMIN_PASSWORD), caller(system, "rajattu", SCOPED_PASSWORD)]
    examples = int(os.environ.get("PIIRI_FUZZ_EXAMPLES", "1"))
    seed = os.environ.get("PIIRI_FUZZ_SEED")

    started = time.monotonic()
    report = fuzz(document, system.base_url, callers, examples, known_ids, seed=int(seed) if seed else None)
    print(
        f"\nfuzz: {report.summary()} in {time.monotonic() - started:.0f} s; statuses {dict(report.statuses)}"
    )

    assert report.operations == sum(len(item) for item in document["paths"].values())
    assert report.calls >= report.operations * len(callers) * 2 * examples // 2
    if report.failures:
        pytest.fail(
            f"{len(report.failures)} failing (caller, operation, check):\n\n"
            + "\n\n".join(
                f"{caller} {operation} {check}: {message}"
                for (caller, operation, check), message in report.failures.items()
            ),
            pytrace=False,
        )
