"""G4, issue 19: the typo-search vocabulary (``search_words``) forgets the words and the name bounds of a
renamed or deleted contact that no other contact has (contacts migration 0018's trigger), and keeps
every word some contact still has, with a bound that stays a lower bound."""

import pytest
from sqlalchemy import text

from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker


def vocabulary(engines):
    with engines["contacts"].connect() as conn:
        return dict(conn.execute(text("SELECT word, first_sort_name FROM search_words")).all())


def sort_names(engines, word):
    with engines["contacts"].connect() as conn:
        return conn.execute(
            text(
                "SELECT sort_name FROM contacts"
                " WHERE search_text ~ ('(^|[^[:alpha:]])' || :w || '($|[^[:alpha:]])')"
            ),
            {"w": word},
        ).scalars().all()  # fmt: skip


@pytest.fixture
def contacts(run_services, rpc, admin_actor):
    run_services(ContactsService)
    with rpc(admin_actor) as cluster:
        yield cluster.contacts


def test_g4_issue19_a_rename_and_a_delete_forget_words_and_bounds_nobody_has(contacts, clean_databases):
    first = contacts.create_contact(
        {"first_name": "Erkki", "last_name": "Aqvxalpha", "email": "qvxmail@ex.fi"}
    )
    other = contacts.create_contact({"first_name": "Erkki", "last_name": "Virtanen", "middle_name": "Li"})
    words = vocabulary(clean_databases)
    assert {"aqvxalpha", "qvxmail", "erkki", "li"} <= set(words) and words["erkki"] == "aqvxalpha erkki"

    contacts.update_contact(first["id"], {"last_name": "Bqvxbeta", "email": "other@ex.fi"})
    words = vocabulary(clean_databases)
    assert "aqvxalpha" not in words and "qvxmail" not in words and "bqvxbeta" in words
    assert "aqvxalpha erkki" not in words.values()  # the old name is no bound either
    assert words["erkki"] <= min(sort_names(clean_databases, "erkki"))
    assert [item["id"] for item in contacts.search_contacts(q="bqvxbetta")["items"]] == [first["id"]]

    contacts.delete_contact(first["id"])
    words = vocabulary(clean_databases)
    assert "bqvxbeta" not in words and "bqvxbeta erkki" not in words.values()
    assert words["erkki"] <= "virtanen erkki" and "virtanen" in words  # still Virtanen's
    assert all(not bound.startswith(("aqvxalpha", "bqvxbeta")) for bound in words.values())
    assert "li" in words  # two letters: kept (trigrams cannot look them up; they name nobody)
    assert [item["id"] for item in contacts.search_contacts(q="Erkki Virtanen")["items"]] == [other["id"]]
    # Every word a contact has is still there (typo search finds them all).
    with clean_databases["contacts"].connect() as conn:
        missing = conn.execute(
            text(
                "SELECT w FROM contacts, piiri_search_words(search_text) AS w"
                " EXCEPT SELECT word FROM search_words"
            )
        ).scalars().all()  # fmt: skip
    assert missing == []


def test_g4_issue19_the_timer_adds_back_a_word_lost_to_a_concurrent_write(
    run_services, rpc, admin_actor, engines
):
    """The race migration 0018 leaves (a word pruned while a contact having it is written) heals."""
    from nameko.testing.services import entrypoint_hook
    from nameko.testing.utils import get_container

    runner = run_services(ContactsService, ContactsWorker)
    with rpc(admin_actor) as cluster:
        cluster.contacts.create_contact({"first_name": "Hilkka", "last_name": "Qvxgamma"})
    with engines["contacts"].begin() as conn:
        conn.execute(text("DELETE FROM search_words WHERE word = 'qvxgamma'"))
    with entrypoint_hook(get_container(runner, ContactsWorker), "heal_search_words") as heal:
        heal()
    assert vocabulary(engines)["qvxgamma"] == "qvxgamma hilkka"
