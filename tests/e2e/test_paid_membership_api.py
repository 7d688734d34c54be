"""B4 (issue 15), membership from payments, end to end through the gateway: a fee type names the period
it pays; a free or honorary membership set and removed through /api/v1 (contacts.edit, with a reason,
error codes for bad input); the contact shows its paid_membership part; the contact list filters
paid_up / not_paid_up; the contact page's section with its form, in Finnish and English.
(The payment path, bank file to paid up and a credit note withdrawing it, is
tests/integration/test_paid_membership.py.)"""

import re

import requests

PASSWORD = "jasenmaksut salasana 2026"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def person(api, first):
    response = api.post("/api/v1/contacts", json={"first_name": first, "last_name": "Jäsen"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def listed(api, **filters):
    response = api.get("/api/v1/contacts", params={**filters, "limit": 100})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_b4_membership_flag_filters_and_fee_period_through_the_api(system, admin_api):
    system.create_user("kassa", PASSWORD, role="treasurer")
    treasurer = system.api(system.token("kassa", PASSWORD))
    fee = treasurer.post(
        "/api/v1/billing/fee-types",
        json={"name": "Jäsenmaksu 2027", "amount": "30.00", "membership_period": "2027"},
    )
    assert fee.status_code == 201 and fee.json()["membership_period"] == "2027", fee.text
    bad_fee = treasurer.post(
        "/api/v1/billing/fee-types", json={"name": "X", "amount": "1", "membership_period": "ensi vuonna"}
    )
    assert bad_fee.status_code == 422
    assert bad_fee.json()["details"] == {"membership_period": ["billing.membership_period_invalid"]}

    hilkka, olli = person(admin_api, "Hilkka"), person(admin_api, "Olli")
    assert listed(admin_api, paid_up="2027") == set()
    path = f"/api/v1/contacts/{hilkka}/membership-flag"
    bad = admin_api.put(path, json={"kind": "lifetime", "reason": "x"})
    assert bad.status_code == 422 and bad.json()["details"]["kind"] == [
        "contacts.membership_flag_kind_invalid"
    ]
    made = admin_api.put(path, json={"kind": "honorary", "reason": "Perustajajäsen"})
    assert made.status_code == 200 and made.json()["kind"] == "honorary", made.text
    shown = admin_api.get(f"/api/v1/contacts/{hilkka}").json()["paid_membership"]
    assert shown["flag"]["reason"] == "Perustajajäsen" and shown["periods"] == []
    assert listed(admin_api, paid_up="2027") == {hilkka}
    assert olli in listed(admin_api, not_paid_up="2027") and hilkka not in listed(
        admin_api, not_paid_up="2027"
    )
    wrong = admin_api.get("/api/v1/contacts", params={"paid_up": "viime vuosi"})
    assert wrong.status_code == 422 and wrong.json()["details"] == {
        "paid_up": ["contacts.membership_period_invalid"]
    }

    system.create_user("katsoja", PASSWORD, role="read_only")
    viewer = system.api(system.token("katsoja", PASSWORD))
    assert viewer.delete(path).status_code == 403
    assert admin_api.delete(path).json() == {"cleared": "honorary"}
    assert admin_api.delete(path).status_code == 404
    assert listed(admin_api, paid_up="2027") == set()


def test_b4_the_contact_page_shows_and_sets_the_membership_flag(system, admin_api):
    system.create_user("toimisto", PASSWORD, role="admin")
    hilkka = person(admin_api, "Hilkka")
    web = requests.Session()
    form = web.get(system.base_url + "/login")
    login = {"username": "toimisto", "password": PASSWORD, "csrf_token": CSRF.search(form.text).group(1)}
    assert web.post(system.base_url + "/login", data=login, allow_redirects=False).status_code in (302, 303)
    page = web.get(f"{system.base_url}/contacts/{hilkka}")
    assert page.status_code == 200 and 'id="paid-membership"' in page.text
    assert "Jäsenmaksut" in page.text and "ei maksettuja kausia" in page.text
    csrf = CSRF.search(page.text).group(1)
    action = f"{system.base_url}/contacts/{hilkka}/membership-flag"
    refused = web.post(action, data={"csrf_token": csrf, "kind": "honorary", "reason": " "})
    assert refused.status_code == 422 and 'id="paid-membership-errors"' in refused.text
    assert "Kirjoita peruste" in refused.text
    done = web.post(
        action, data={"csrf_token": csrf, "kind": "free", "reason": "Opiskelija"}, allow_redirects=False
    )
    assert done.status_code == 303
    page = web.get(f"{system.base_url}/contacts/{hilkka}")
    assert 'id="membership-flag"' in page.text and "Vapaajäsen" in page.text and "Opiskelija" in page.text
    listed_page = web.get(f"{system.base_url}/contacts", params={"paid_up": "2027"})
    assert (
        listed_page.status_code == 200
        and "Hilkka" in listed_page.text
        and 'id="filter-paid-up"' in listed_page.text
    )
    removed = web.post(f"{action}/delete", data={"csrf_token": csrf}, allow_redirects=False)
    assert removed.status_code == 303
    assert 'id="membership-flag-form"' in web.get(f"{system.base_url}/contacts/{hilkka}").text

    # The fee type form names the membership period the fee pays.
    fee = {"csrf_token": csrf, "name": "Jäsenmaksu 2028", "amount": "25", "vat_class": "none", "account": ""}
    bad = web.post(f"{system.base_url}/billing/fee-types", data={**fee, "membership_period": "ensi vuosi"})
    assert bad.status_code == 422 and "Anna kausi vuotena" in bad.text
    made = web.post(f"{system.base_url}/billing/fee-types", data={**fee, "membership_period": "2028"})
    assert (
        made.status_code == 200
        and '<td data-label="Jäsenyyskausi" class="fee-membership-period">2028</td>' in made.text
    )
