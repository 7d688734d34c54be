"""I1: the validation cuts the file into numbered batches of valid rows, always the same for the same
file and mapping (a validation run again after a worker restart writes the same batches)."""

import json

from services.imports import mapping, pipeline, reading, validation


def table_of(lines):
    data = ("Etunimi;Sukunimi;Sähköposti\n" + "\n".join(lines) + "\n").encode()
    return reading.open_table(data, "jasenet.csv")


def row_validator(table):
    catalogue = mapping.build_catalogue([])
    chosen = mapping.propose_mapping(table.headers, catalogue)
    return validation.RowValidator(catalogue, chosen, [], headers=list(table.headers))


def test_i1_batches_number_the_valid_rows_and_keep_the_errors_apart():
    lines = [f"Etu{i};Suku{i};henkilo{i}@example.fi" for i in range(7)]
    lines[2] = "Etu2;Suku2;not-an-address"
    lines[4] = "Etu4;Suku4;also wrong"
    lines[5] = "Etu5;Suku5;x@"
    table = table_of(lines)
    batches = list(pipeline.batches(table, row_validator(table), chunk_rows=3))
    numbers = [chunk_no for chunk_no, *_ in batches]
    assert numbers == [1, 2, 3]
    (_, first, next_row, errors, seen) = batches[0]
    assert [row["row"] for row in first] == [2, 3] and next_row == 5 and seen == 3
    assert [number for number, *_ in errors] == [4]
    assert first[0]["values"]["email"] == "henkilo0@example.fi"
    assert [row["row"] for row in batches[1][1]] == [5] and [n for n, *_ in batches[1][3]] == [6, 7]
    assert [row["row"] for row in batches[2][1]] == [8] and batches[2][2] == 9 and batches[2][4] == 1


def test_i1_a_batch_with_only_errors_uses_up_no_chunk_number():
    lines = ["A;B;bad", "C;D;bad", "E;F;e@example.fi"]
    table = table_of(lines)
    batches = list(pipeline.batches(table, row_validator(table), chunk_rows=2))
    assert [(chunk_no, len(rows), len(errors)) for chunk_no, rows, _, errors, _ in batches] == [
        (None, 0, 2),
        (1, 1, 0),
    ]


def test_i1_the_same_file_gives_the_same_batches():
    lines = [f"Etu{i};Suku{i};henkilo{i}@example.fi" for i in range(25)]
    first = list(pipeline.batches(table_of(lines), row_validator(table_of(lines)), chunk_rows=10))
    again = list(pipeline.batches(table_of(lines), row_validator(table_of(lines)), chunk_rows=10))
    assert first == again and [b[0] for b in first] == [1, 2, 3]


def test_i1_a_batch_is_stored_as_json_with_dates_in_iso_form():
    data = ("Etunimi;Sukunimi;Syntymäaika\nAino;Virtanen;31.1.1950\n").encode()
    table = reading.open_table(data, "jasenet.csv")
    [(_, rows, _, _, _)] = list(pipeline.batches(table, row_validator(table)))
    stored = json.loads(pipeline.dump_batch(rows))
    assert stored == [
        {"row": 2, "values": {"first_name": "Aino", "last_name": "Virtanen", "birth_date": "1950-01-31"}}
    ]


def test_issue13_7_match_kinds_finds_existing_contacts_and_rows_repeating_earlier_rows_over_batches():
    """The contacts service's matches -> each row's part: an existing contact's row, a repeat of an
    earlier row of the file (also of a row in an earlier batch: ``seen`` carries over), ambiguous, new;
    a row not valid has none."""
    seen = {}
    first = pipeline.match_kinds(
        [
            {"row": 2, "contact_id": None, "ambiguous": False, "keys": ["email:e@x.fi"], "invalid": False},
            {"row": 3, "contact_id": "c1", "name": "Aino", "ambiguous": False, "keys": ["email:a@x.fi"]},
            {"row": 4, "contact_id": None, "ambiguous": True, "keys": ["phone:+358401"], "invalid": False},
            {"row": 5, "invalid": True, "keys": []},
        ],
        seen,
    )
    second = pipeline.match_kinds(
        [
            {"row": 6, "contact_id": None, "ambiguous": False, "keys": ["email:e@x.fi", "phone:+35850"]},
            {"row": 7, "contact_id": None, "ambiguous": False, "keys": ["phone:+35850"]},
            {"row": 8, "contact_id": None, "ambiguous": False, "keys": []},
        ],
        seen,
    )
    assert first[2]["kind"] == "new" and first[4]["kind"] == "ambiguous" and 5 not in first
    assert first[3] == {"kind": "existing", "contact_id": "c1", "name": "Aino", "duplicate_of": None}
    assert (second[6]["kind"], second[6]["duplicate_of"]) == ("in_file", 2)
    assert (second[7]["kind"], second[7]["duplicate_of"]) == ("in_file", 6)
    assert second[8]["kind"] == "new"
    counts = pipeline.count_kinds(pipeline.count_kinds({}, first), second)
    assert counts == {"new": 2, "existing": 1, "in_file": 2, "ambiguous": 1}


def _found(row, keys=(), contact_id=None, ambiguous=False, invalid=False):
    return {
        "row": row,
        "keys": list(keys),
        "contact_id": contact_id,
        "ambiguous": ambiguous,
        "invalid": invalid,
    }


def test_issue17_a_chunk_commits_after_the_last_chunk_it_shares_a_key_or_a_contact_with():
    order = pipeline.ChunkOrder(matching=True)
    assert order.after(1, [_found(2, ["email:a@x.fi"]), _found(3, ["email:b@x.fi"], contact_id="c1")]) == 0
    assert order.after(2, [_found(4, ["email:c@x.fi"])]) == 0  # shares nothing: commits beside chunk 1
    assert order.after(3, [_found(5, ["email:d@x.fi"], contact_id="c1")]) == 1  # the same existing contact
    assert order.after(4, [_found(6, ["email:c@x.fi"]), _found(7, ["email:a@x.fi"])]) == 2  # the highest
    assert order.after(5, [_found(8, ["email:c@x.fi"], invalid=True)]) == 0  # a refused row writes nothing
    assert order.after(6, [_found(9, ["email:z@x.fi"], ambiguous=True)]) == 5  # several contacts: in order


def test_issue17_without_matching_every_chunk_is_free():
    order = pipeline.ChunkOrder(matching=False)
    assert [order.after(n, ()) for n in (1, 2, 3)] == [0, 0, 0]


def test_issue17_the_keys_seen_are_salted_digests_that_match_only_under_the_same_salt():
    salt, other = b"s" * 16, b"t" * 16
    key = "email:maija@example.fi"
    digest = pipeline.key_digest(salt, key)
    assert isinstance(digest, int) and -(2**63) <= digest < 2**63  # fits import_seen_keys.digest (bigint)
    assert digest == pipeline.key_digest(salt, key)
    assert digest != pipeline.key_digest(other, key)  # a new validation run cannot be linked to the last
    assert digest != pipeline.key_digest(salt, "email:maija@example.com")
    [row] = pipeline.digested([_found(2, [key], contact_id="c1")], salt)
    assert row["keys"] == [digest] and row["row"] == 2
    assert row["contact_mark"] == pipeline.key_digest(salt, "contact:c1")
    assert pipeline.marks_of([row]) == {digest, row["contact_mark"]}
    assert pipeline.marks_of(pipeline.digested([_found(3, [key], invalid=True)], salt)) == set()


def test_issue17_the_chunk_order_and_the_repeats_come_out_the_same_from_a_store_of_digests():
    """What the worker does per batch with import_seen_keys (a dict standing in for the table: read the
    batch's marks, decide, write them back) gives what the in-memory order and match_kinds give."""
    batches = [
        [_found(2, ["email:a@x.fi"]), _found(3, ["email:b@x.fi"], contact_id="c1")],
        [_found(4, ["email:c@x.fi"])],
        [_found(5, ["email:d@x.fi"], contact_id="c1"), _found(6, ["email:a@x.fi"])],
        [_found(7, ["email:c@x.fi"]), _found(8, ["email:b@x.fi"])],
    ]
    memory_order, memory_seen = pipeline.ChunkOrder(matching=True), {}
    expected = [
        (memory_order.after(n, found), pipeline.match_kinds(found, memory_seen))
        for n, found in enumerate(batches, 1)
    ]
    salt, table, order, got = b"k" * 16, {}, pipeline.ChunkOrder(matching=True), []
    for n, found in enumerate(batches, 1):
        hashed = pipeline.digested(found, salt)
        marks = pipeline.marks_of(hashed)
        known = {mark: table[mark] for mark in marks if mark in table}  # jobs.seen_keys
        first_rows = {mark: first for mark, (first, _) in known.items()}
        last_chunks = {mark: last for mark, (_, last) in known.items()}
        kinds = pipeline.match_kinds(hashed, first_rows)
        after = order.after(n, hashed, last_chunks)
        for mark in marks:  # jobs.remember_keys: the first row stays, the last chunk moves on
            table[mark] = (table.get(mark, (first_rows.get(mark, 0), 0))[0], last_chunks[mark])
        got.append((after, kinds))
    assert got == expected
    assert [after for after, _ in got] == [0, 0, 1, 2]
    assert got[2][1][6]["kind"] == "in_file" and got[2][1][6]["duplicate_of"] == 2
    assert order.last_chunk == {}  # nothing kept in memory
