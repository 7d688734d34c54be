"""Issue 12 item 4 (G2): counts are audited reads. The probe's attack (a name, then birth-date ranges,
16 counts) leaves 16 ``contact.counted`` records naming each query; with the audit path down a count is
refused like any read (fail-closed), so no number leaves without its record."""

from sqlalchemy import text

from tests.events import wait_for


def counted_records(engines, username):
    query = text(
        "SELECT details FROM audit_events WHERE action = 'contact.counted' AND actor_username = :who "
        "ORDER BY seq"
    )
    with engines["audit"].connect() as conn:
        return [row.details for row in conn.execute(query, {"who": username})]


def test_issue12_item4_each_of_a_series_of_counts_leaves_its_record(admin_api, engines):
    created = admin_api.post(
        "/api/v1/contacts",
        json={"first_name": "Salla", "last_name": "Laskettava", "birth_date": "1980-06-15"},
    )
    assert created.status_code == 201, created.text
    answers = []
    for year in range(1972, 1988):  # 16 counts narrowing the birth year
        count = admin_api.get(
            "/api/v1/contacts:count",
            params={"q": "laskettava", "born_from": f"{year}-01-01", "born_to": f"{year}-12-31"},
        )
        assert count.status_code == 200, count.text
        answers.append(count.json()["count"])
    assert answers.count(1) == 1
    records = wait_for(lambda: (found := counted_records(engines, "admin")) and len(found) >= 16 and found)
    assert len(records) == 16
    assert [record["count"] for record in records] == answers
    assert records[8]["filters"] == {"born_from": "1980-01-01", "born_to": "1980-12-31"}
    assert all(record["query"] == "laskettava" for record in records)


def test_issue12_item4_no_count_without_its_audit_record(admin_api, broken_audit_path):
    refused = [
        admin_api.get("/api/v1/contacts:count", params={"q": "x"}),
        admin_api.post("/api/v1/contacts:search-count", json={"expression": {"text": "x"}}),
        admin_api.get("/api/v1/retention/past:count"),
    ]
    for answer in refused:
        assert answer.status_code == 503, answer.text
        assert "count" not in answer.json()
