"""Issue 13 item 2, the dashboard's rules without a system: which cards a user gets (the permission of the
list behind each; no "my changes" for a scoped user), a card whose service fails or is too slow is None
and the others stand, and my recent changes in words."""

import eventlet

from gateway.auth import Principal
from gateway.dashboard.figures import CARDS, DashboardFigures, cards_for
from gateway.dashboard.web import change_rows
from gateway.i18n import Translator
from gateway.roles import BUILTIN_ROLE_ROWS, Access
from piiri.errors import ServiceUnavailable


def principal(role=None, permissions=None, scoped=False):
    if permissions is None:
        permissions = next(perms for code, _, _, perms in BUILTIN_ROLE_ROWS if code == role)
    access = Access(permissions=tuple(sorted(permissions)), roles=(role or "x",), scoped=scoped)
    return Principal(
        user={"id": "u1", "username": "u"}, kind="web", csrf_token="c", token_hash="h", access=access
    )


def test_issue13_each_card_by_the_permission_of_its_list():
    assert cards_for(principal("admin")) == list(CARDS)
    assert cards_for(principal("read_only")) == ["contacts", "birthdays"]
    assert cards_for(principal("staff")) == ["contacts", "imports", "exports", "changes", "birthdays"]
    assert cards_for(principal("dpo")) == ["contacts", "exports", "changes", "birthdays"]
    assert cards_for(principal(permissions=())) == []
    # A scoped user: the audit log beyond a contact's own trail is not theirs.
    assert "changes" not in cards_for(principal("staff", scoped=True))


class FakeCalls(DashboardFigures):
    def __init__(self, answers):
        self.answers = answers
        self.config = {}  # nameko gives a worker its configuration as a dict
        self.asked = []

    def call(self, service, method, *args, timeout=None, **kwargs):
        self.asked.append((service, method, timeout))
        answer = self.answers[(service, method)]
        if isinstance(answer, Exception):
            raise answer
        if answer == "slow":
            eventlet.sleep(0.05)
            raise ServiceUnavailable(f"The {service} service did not answer in {timeout:g} s.")
        return answer


def test_issue13_a_card_whose_service_fails_is_none_and_the_others_stand():
    routes = FakeCalls(
        {
            ("contacts", "dashboard_figures"): {"contacts": {"total": 3}},
            ("imports", "dashboard_figures"): ServiceUnavailable("The imports service is not running."),
            ("exports", "dashboard_figures"): "slow",
            ("audit", "my_recent_changes"): {"items": []},
            ("contacts", "upcoming_birthdays"): {"items": []},
        }
    )
    figures = routes.dashboard_figures(principal("admin"))
    assert figures == {
        "contacts": {"contacts": {"total": 3}},
        "imports": None,
        "exports": None,
        "changes": {"items": []},
        "birthdays": {"items": []},
    }
    assert {timeout for _, _, timeout in routes.asked} == {5.0}  # each card its own short deadline
    assert FakeCalls({}).dashboard_figures(principal(permissions=())) == {}  # nothing asked


def test_issue13_my_recent_changes_in_words():
    t = Translator("fi")
    rows = change_rows(
        [
            {
                "occurred_at": "2026-12-06T10:00:00+00:00",
                "action": "contact.updated",
                "subject_type": "contact",
                "subject_ids": ["c1"],
                "fields": ["email", "phone", "city", "street", "postal_code"],
            },
            {
                "occurred_at": "2026-12-06T09:00:00+00:00",
                "action": "group.members_added",
                "subject_type": "contact",
                "subject_ids": ["c1", "c2", "c3"],
                "fields": ["groups"],
            },
            {
                "occurred_at": "2026-12-06T08:00:00+00:00",
                "action": "contact.deleted",
                "subject_type": "contact",
                "subject_ids": ["c9"],
                "fields": [],
            },
        ],
        t,
    )
    first, second, third = rows
    assert first["what"] == t.action("contact.updated").capitalize() and first["link"] == "/contacts/c1"
    assert first["subject"] == "yhteystieto" and first["fields"].endswith(", …")
    assert first["fields"].count(",") == 4  # four fields named, then "…"
    assert second["subject"] == "3 yhteystietoa" and second["link"] is None and second["fields"] == ""
    assert third["link"] is None  # a deleted contact has no page
    assert not any("." in row["what"] for row in rows)  # words, not codes
