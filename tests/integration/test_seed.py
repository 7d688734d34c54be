"""Bulk seeding with COPY into the test contacts database: counts, search columns, indexes, all or nothing."""

from collections import Counter

import psycopg
import pytest

from services.contacts.demo_data import generate_contacts
from services.contacts.seed import (
    BULK_INDEXES,
    DEMO_COUNT,
    count_contacts,
    psycopg_url,
    seed_contacts,
    seed_demo,
)


@pytest.fixture
def contacts_url(databases, clean_databases):
    return databases["contacts"]


def query(url, sql, params=None):
    with psycopg.connect(psycopg_url(url)) as conn:
        return conn.execute(sql, params).fetchall()


def index_definitions(url):
    return dict(query(url, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contacts'"))


def test_seeds_rows_with_their_search_columns(contacts_url):
    assert seed_contacts(contacts_url, 3_000, seed=5) == 3_000
    assert count_contacts(contacts_url) == 3_000
    [(empty_search, empty_sort, missing_email_norm)] = query(
        contacts_url,
        "SELECT count(*) FILTER (WHERE trim(coalesce(search_text, '')) = ''),"
        " count(*) FILTER (WHERE trim(coalesce(sort_name, '')) = ''),"
        " count(*) FILTER (WHERE email IS NOT NULL AND email_norm IS DISTINCT FROM lower(email))"
        " FROM contacts",
    )
    assert (empty_search, empty_sort, missing_email_norm) == (0, 0, 0)
    # search_text is the unaccented, lower-cased names: "Söderström" is found as "soderstrom"
    [(last_name, search_text)] = query(
        contacts_url, "SELECT last_name, search_text FROM contacts WHERE last_name = 'Söderström' LIMIT 1"
    )
    assert "soderstrom" in search_text
    [(kinds,)] = query(contacts_url, "SELECT array_agg(DISTINCT kind ORDER BY kind) FROM contacts")
    assert kinds == ["organisation", "person"]
    [(cyrillic,)] = query(contacts_url, "SELECT count(*) FROM contacts WHERE language = 'ru'")
    assert cyrillic > 0


def test_same_seed_writes_the_same_contacts(contacts_url):
    seed_contacts(contacts_url, 200, seed=9)
    written = query(contacts_url, "SELECT email, first_name, last_name, organisation_name FROM contacts")
    expected = [(row[5], row[1], row[3], row[4]) for row in generate_contacts(200, seed=9)]
    assert Counter(map(tuple, written)) == Counter(expected)


def test_progress_is_reported_per_batch(contacts_url):
    calls = []
    seed_contacts(
        contacts_url, 2_500, batch=1_000, progress=lambda written, total: calls.append((written, total))
    )
    assert calls == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]


def test_bulk_load_rebuilds_the_same_indexes(contacts_url):
    before = index_definitions(contacts_url)
    assert set(BULK_INDEXES) <= set(before)
    assert seed_contacts(contacts_url, 3_000, bulk=True, batch=1_000) == 3_000
    assert index_definitions(contacts_url) == before
    [(analysed,)] = query(
        contacts_url, "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'contacts'"
    )
    assert analysed


def failing_rows(after):
    for number, row in enumerate(generate_contacts(10_000, seed=2)):
        if number == after:
            raise RuntimeError("the source broke")
        yield row


@pytest.mark.parametrize("bulk", [False, True])
def test_a_failure_in_the_middle_writes_nothing(contacts_url, bulk):
    before = index_definitions(contacts_url)
    with pytest.raises(RuntimeError, match="the source broke"):
        seed_contacts(contacts_url, 1_000, rows=failing_rows(after=100), batch=30, bulk=bulk)
    assert count_contacts(contacts_url) == 0
    assert index_definitions(contacts_url) == before  # dropped indexes come back with the rollback


def test_a_bad_row_in_a_later_batch_writes_nothing(contacts_url):
    rows = list(generate_contacts(300, seed=4))
    rows[250] = ("robot",) + rows[250][1:]  # violates the contacts_kind check
    with pytest.raises(psycopg.errors.CheckViolation):
        seed_contacts(contacts_url, 300, rows=rows, batch=100)
    assert count_contacts(contacts_url) == 0


def test_rows_that_run_out_early_are_all_written(contacts_url):
    rows = list(generate_contacts(120, seed=4))
    assert seed_contacts(contacts_url, 500, rows=rows, batch=50) == 120
    assert count_contacts(contacts_url) == 120


def test_demo_seed_only_into_an_empty_table(contacts_url):
    assert seed_demo(contacts_url) == DEMO_COUNT
    assert seed_demo(contacts_url) == 0
    assert count_contacts(contacts_url) == DEMO_COUNT


def test_demo_seed_leaves_existing_contacts_alone(contacts_url):
    seed_contacts(contacts_url, 3)
    assert seed_demo(contacts_url) == 0
    assert count_contacts(contacts_url) == 3


def test_c2_seeded_lists_match_the_flat_columns_and_are_searchable(contacts_url):
    """C2: the COPY path fills the rich fields; the flat columns equal each list's primary entry."""
    assert seed_contacts(contacts_url, 3_000, seed=6) == 3_000
    [(mismatched, several_emails, several_phones, several_addresses, tagged, titled)] = query(
        contacts_url,
        "SELECT count(*) FILTER (WHERE email IS DISTINCT FROM (SELECT e ->> 'address' FROM"
        "   jsonb_array_elements(emails) e WHERE (e ->> 'primary')::boolean)"
        "   OR phone IS DISTINCT FROM (SELECT p ->> 'number' FROM jsonb_array_elements(phones) p"
        "   WHERE (p ->> 'primary')::boolean)"
        "   OR city IS DISTINCT FROM (SELECT a ->> 'city' FROM jsonb_array_elements(addresses) a"
        "   WHERE (a ->> 'primary')::boolean)),"
        " count(*) FILTER (WHERE jsonb_array_length(emails) > 1),"
        " count(*) FILTER (WHERE jsonb_array_length(phones) > 1),"
        " count(*) FILTER (WHERE jsonb_array_length(addresses) > 1),"
        " count(*) FILTER (WHERE tags @> '{hallitus}'),"
        " count(*) FILTER (WHERE title IS NOT NULL AND middle_name IS NULL OR honorific IS NOT NULL)"
        " FROM contacts",
    )
    assert mismatched == 0
    assert several_emails > 300 and several_phones > 200 and several_addresses > 100
    assert tagged > 20 and titled > 50
    # A work e-mail (never the primary) is in search_text, where search finds it.
    [(work_email, found)] = query(
        contacts_url,
        "SELECT e ->> 'address', (SELECT count(*) FROM contacts c2 WHERE c2.search_text LIKE"
        "   '% ' || (e ->> 'address') || '%') FROM contacts, jsonb_array_elements(emails) e"
        " WHERE e ->> 'kind' = 'work' LIMIT 1",
    )
    assert "@" in work_email and found == 1
