"""Generated groups and memberships for benchmarks (`piiri seed --groups N`): a random tree and random
memberships of the existing contacts, written with COPY, then the stored member counts rebuilt."""

import random
import uuid
from datetime import timedelta

import psycopg

from piiri import clock
from services.contacts.seed import psycopg_url

ROOTS = 20
NAMES = (
    "Hallitus",
    "Jaosto",
    "Kuoro",
    "Toimikunta",
    "Piiri",
    "Osasto",
    "Tiimi",
    "Kerho",
    "Ryhmä",
    "Paikallisyhdistys",
)


def random_tree(count, rng):
    """[(id, parent_id, name, path)]: ROOTS top-level groups, every other under a random earlier group."""
    groups = []
    for index in range(count):
        group_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        parent = groups[rng.randrange(len(groups))] if index >= ROOTS else None
        path = f"{parent[3] if parent else '/'}{group_id}/"
        groups.append((group_id, parent[0] if parent else None, f"{rng.choice(NAMES)} {index + 1}", path))
    return groups


def seed_groups(url, count, seed=1, per_contact=1.5):
    """Write ``count`` groups and ~``per_contact`` memberships per existing contact; returns both counts."""
    rng = random.Random(seed)
    groups = random_tree(count, rng)
    today = clock.today()
    with psycopg.connect(psycopg_url(url)) as conn:
        contact_ids = [row[0] for row in conn.execute("SELECT id FROM contacts")]
        with conn.cursor().copy("COPY groups (id, parent_id, name, path) FROM STDIN") as copy:
            for group in groups:
                copy.write_row(group)
        written = 0
        # One count of everything at the end instead of the per-statement trigger over the whole COPY.
        conn.execute("ALTER TABLE memberships DISABLE TRIGGER memberships_counted_insert")
        with conn.cursor().copy(
            "COPY memberships (group_id, contact_id, starts_on, ends_on) FROM STDIN"
        ) as copy:
            for contact_id in contact_ids:
                wanted = int(per_contact) + (rng.random() < per_contact % 1)
                # Distinct groups per person: one membership of a person in a group, as the RPCs keep it.
                for group_index in rng.sample(range(count), min(wanted, count)):
                    starts_on = today - timedelta(days=rng.randrange(3650))
                    ended = rng.random() < 0.1
                    ends_on = starts_on + timedelta(days=rng.randrange(1, 365)) if ended else None
                    copy.write_row((groups[group_index][0], contact_id, starts_on, ends_on))
                    written += 1
        conn.execute("ALTER TABLE memberships ENABLE TRIGGER memberships_counted_insert")
        conn.execute("SELECT piiri_group_counts_rebuild(%s)", (today,))
        conn.execute("ANALYZE groups")
        conn.execute("ANALYZE memberships")
    return count, written
