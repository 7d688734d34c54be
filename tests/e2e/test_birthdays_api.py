"""Round birthdays through the HTTP API (C13): settings GET/PUT with permissions and named errors, the
upcoming list with its horizon, the OpenAPI document."""

from datetime import timedelta

from piiri.clock import today
from services.contacts.birthdays.rules import birthday_in
from tests.conftest import ADMIN_PASSWORD


def born_turning(age, in_days):
    day = today() + timedelta(days=in_days)
    return birthday_in(day, day.year - age).isoformat()


def test_c13_settings_and_upcoming_birthdays_over_the_api(system, admin_api):
    """C13: an admin sets ages and horizon; GET /api/v1/birthdays lists who turns a round age in it."""
    settings = admin_api.put("/api/v1/birthday-settings", json={"round_ages": [60, 50], "horizon_days": 14})
    assert settings.status_code == 200, settings.text
    assert settings.json()["round_ages"] == [50, 60] and settings.json()["important_filters"] == {}
    assert admin_api.get("/api/v1/birthday-settings").json()["horizon_days"] == 14

    inside = admin_api.post(
        "/api/v1/contacts",
        json={"first_name": "Pertti", "last_name": "Pyöreä", "birth_date": born_turning(60, 10)},
    ).json()["id"]
    admin_api.post(
        "/api/v1/contacts",
        json={"first_name": "Outi", "last_name": "Ulkona", "birth_date": born_turning(60, 20)},
    )
    upcoming = admin_api.get("/api/v1/birthdays")
    assert upcoming.status_code == 200, upcoming.text
    body = upcoming.json()
    assert [(item["id"], item["age"]) for item in body["items"]] == [(inside, 60)]
    assert body["items"][0]["birthday"] == (today() + timedelta(days=10)).isoformat()
    assert body["items"][0]["display_name"] == "Pertti Pyöreä"
    assert body["horizon_days"] == 14 and body["settings"]["round_ages"] == [50, 60]
    assert len(admin_api.get("/api/v1/birthdays?horizon_days=30").json()["items"]) == 2

    bad = admin_api.get("/api/v1/birthdays?horizon_days=400")
    assert bad.status_code == 422 and "horizon_days" in bad.json()["details"]


def test_c13_bad_settings_are_named_and_staff_cannot_change_them(system, admin_api):
    """C13: 422 naming the field, nothing changed; staff may read but not change (403)."""
    before = admin_api.get("/api/v1/birthday-settings").json()
    for body, field in (
        ({"round_ages": [60, 60], "horizon_days": 30}, "round_ages"),
        ({"round_ages": ["sixty"], "horizon_days": 30}, "round_ages"),
        ({"round_ages": [60], "horizon_days": 0}, "horizon_days"),
        ({"round_ages": [60]}, "horizon_days"),
        (
            {"round_ages": [60], "horizon_days": 30, "important_filters": {"shoe_size": "42"}},
            "important_filters.shoe_size",
        ),
    ):
        response = admin_api.put("/api/v1/birthday-settings", json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["details"], (body, response.json())
    assert admin_api.get("/api/v1/birthday-settings").json() == before

    system.create_user("staffer", ADMIN_PASSWORD, role="staff")
    staff = system.api(system.token("staffer", ADMIN_PASSWORD))
    assert staff.get("/api/v1/birthday-settings").status_code == 200
    assert staff.get("/api/v1/birthdays").status_code == 200
    refused = staff.put("/api/v1/birthday-settings", json={"round_ages": [60], "horizon_days": 30})
    assert refused.status_code == 403


def test_c13_birthday_paths_are_in_the_openapi_document(system):
    """C13/X2: both paths and their schemas are documented."""
    import requests

    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    assert set(document["paths"]["/api/v1/birthdays"]) == {"get"}
    assert set(document["paths"]["/api/v1/birthday-settings"]) == {"get", "put"}
    for name in ("UpcomingBirthdays", "BirthdaySettings", "BirthdaySettingsInput"):
        assert name in document["components"]["schemas"]
