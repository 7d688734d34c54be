"""All SQL of the contacts service: reading, writing and searching contacts."""

import functools
import uuid

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    true,
    tuple_,
    update,
)

from piiri import clock
from piiri.db import plan_for_parameters
from piiri.json_reads import Read
from services.contacts import models
from services.contacts.contract import parse_id  # noqa: F401  (storage.parse_id for the service's modules)
from services.contacts.models import contacts, search_words
from services.contacts.person.storage import ACTIVE_STATUSES
from services.contacts.search import encode_cursor, like_pattern

CONTACT_COLUMNS = [
    column for column in contacts.c if column.name not in ("search_text", "sort_name", "email_norm")
]
SUMMARY_COLUMNS = [
    contacts.c[name]
    for name in (
        "id",
        "kind",
        "first_name",
        "preferred_name",
        "last_name",
        "organisation_name",
        "email",
        "phone",
        "city",
        "birth_date",
        "deceased_on",
    )
] + [ACTIVE_STATUSES]  # person details (C9): kinds of active statuses, a correlated subquery


def display_name(row):
    if row["kind"] == "organisation":
        return row.get("organisation_name") or ""
    first = row.get("preferred_name") or row.get("first_name")
    return " ".join(part for part in (first, row.get("last_name")) if part)


def as_dict(row):
    data = dict(row._mapping)
    data["display_name"] = display_name(data)
    return data


# A contact's row as get_contact gives it, as a Read: the record sends it with its parts' reads in one
# statement (details.py).
CONTACT_ROW = Read(
    lambda contact_id: select(*CONTACT_COLUMNS).where(contacts.c.id == contact_id),
    shape=lambda rows: {**rows[0], "display_name": display_name(rows[0])} if rows else None,
)


def get_contact(session, contact_id, for_update=False):
    query = select(*CONTACT_COLUMNS).where(contacts.c.id == contact_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return as_dict(row) if row else None


def insert_contact(session, values):
    row = session.execute(insert(contacts).values(**values).returning(*CONTACT_COLUMNS)).one()
    return as_dict(row)


def update_contact(session, contact_id, values):
    row = session.execute(
        update(contacts)
        .where(contacts.c.id == contact_id)
        .values(**values, version=contacts.c.version + 1, updated_at=func.now())
        .returning(*CONTACT_COLUMNS)
    ).one()
    return as_dict(row)


def delete_contact(session, contact_id):
    session.execute(delete(contacts).where(contacts.c.id == contact_id))


def search(session, plan, limit, position, conditions=()):
    """One page of contacts for a SearchPlan: exact matches in name order with keyset paging,
    or, when nothing matches exactly, typo-tolerant matches ranked by similarity.

    ``conditions`` are the structured filters' conditions (filters.py), ANDed with the text.
    """
    # psycopg prepares a statement run 5 times on a connection, and PostgreSQL may then reuse one
    # generic plan for every search term. A generic plan cannot see the LIKE pattern (no trigram or
    # prefix index choice by term; piiri_norm(pattern) evaluated per row): plan each search afresh.
    plan_for_parameters(session)
    if position is None or position["m"] == "k":
        items, next_position = _exact_page(session, plan, limit, position, conditions)
        if items or position is not None or plan.mode != "text":
            return items, next_position, "exact"
        position = {"m": "f"}
    items, next_position = _fuzzy_page(session, plan, limit, position, conditions)
    return items, next_position, "fuzzy"


def listed_condition(session, plan, conditions=()):
    """(condition, match) of the contacts the list shows for a search plan under ``conditions``: the
    exact matches, or, when a text search has none, the typo-tolerant ones (fuzzy_condition). The one
    definition of "the search's rows" for its count, its sorted pages and an action on all of its
    results (issue 13 items 3 and 4): they all take these contacts."""
    exact = _exact_condition(plan)
    if plan.mode != "text":
        return exact, "exact"
    found = session.execute(select(literal(1)).select_from(contacts).where(exact, *conditions).limit(1))
    if found.first() is not None:
        return exact, "exact"
    return fuzzy_condition(fuzzy_words(session, plan)), "fuzzy"


def listed_ids(session, plan, conditions, cap):
    """([id, ...], match): the contacts listed_condition takes, at most ``cap + 1`` of them (one more than
    allowed says "too many" without reading them all)."""
    plan_for_parameters(session)
    condition, match = listed_condition(session, plan, conditions)
    query = select(contacts.c.id).where(condition, *conditions).order_by(contacts.c.id).limit(cap + 1)
    return [row.id for row in session.execute(query)], match


def _exact_condition(plan):
    # E-mail and phone: the primary's prefix index, or (C2) any listed one, through the trigram index of
    # search_text, where every listed e-mail and phone starts a word.
    if plan.mode == "email":
        escaped = plan.email_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return or_(
            contacts.c.email_norm.like(escaped + "%"),
            contacts.c.search_text.like(func.piiri_norm(f"% {escaped}%")),
        )
    if plan.mode == "phone":
        return or_(
            contacts.c.phone.like(plan.phone_prefix + "%"),
            contacts.c.search_text.like(f"% {plan.phone_prefix}%"),
        )
    if plan.mode == "text":
        return _text_condition(plan, contacts.c.search_text)
    return literal(True)


def _text_condition(plan, search_text):
    return _contains_all(search_text, [func.piiri_norm(like_pattern(term)) for term in plan.terms])


def _contains_all(search_text, patterns):
    """``search_text`` LIKE every one of ``patterns`` (SQL expressions of normalised LIKE patterns)."""
    return and_(*(search_text.like(pattern) for pattern in patterns))


def _after(query, position):
    """Keyset paging: only rows after the last one of the previous page, in (sort_name, id) order."""
    return _after_parameters(query, position) if position else query


def _after_parameters(query, position=None):
    """_after's condition with the position as the parameters ``after_name`` and ``after_id``: bound to
    ``position`` when given, else given when the statement runs (_position_params)."""
    values = _position_params(position) if position else {}
    return query.where(
        tuple_(contacts.c.sort_name, contacts.c.id)
        > tuple_(
            bindparam("after_name", values.get("after_name"), type_=String),
            bindparam("after_id", values.get("after_id"), type_=contacts.c.id.type),
        )
    )


def _position_params(position):
    """The parameters of _after_parameters for a keyset ``position`` (none for the first page)."""
    return {"after_name": position["s"], "after_id": uuid.UUID(position["i"])} if position else {}


def _exact_page(session, plan, limit, position, conditions=()):
    if plan.mode == "text" and not conditions:
        rows = _text_rows(session, plan, limit, position)
    else:
        # With structured filters the planner weighs the filters' own indexes against the text's.
        query = select(*SUMMARY_COLUMNS, contacts.c.sort_name).where(_exact_condition(plan), *conditions)
        query = _after(query, position)
        rows = session.execute(query.order_by(contacts.c.sort_name, contacts.c.id).limit(limit + 1)).all()
    items = [_summary(row) for row in rows[:limit]]
    next_position = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_position = {"m": "k", "s": last.sort_name, "i": str(last.id)}
    return items, next_position


# How name search finds its page (see _name_rows); the measurements behind these are in bench/README.md.
FEW_MATCHES = 2_000  # estimated matches up to this: fetch them all through the trigram index
MANY_MATCHES = 50_000  # above this: matches are everywhere, walking the name-order index meets them
WALK_ROWS_PER_RESULT = 800  # in between: first walk this many index entries per wanted row ...
MAX_WALK_ROWS = 20_800  # ... but no more than this (index-only: ~0.2-0.4 µs per entry)


def _text_rows(session, plan, limit, position):
    """The first limit + 1 name matches of ``plan`` after ``position``, in (sort_name, id) order.

    The statements are built once for each shape of search (number of terms, whether they give a sort
    floor, first page or later) and run with the terms as parameters: building and compiling them anew
    cost more of the service's CPU than the rest of a search (issue 18)."""
    params = {"rows": limit + 1, **_position_params(position)}
    for number, term in enumerate(plan.terms):
        params[f"term_{number}"], params[f"pattern_{number}"] = term, like_pattern(term)
    has_floor = any(_letters_only(term) for term in plan.terms)
    statements = _text_statements(len(plan.terms), has_floor, position is not None)
    return _name_rows(session, statements, params, limit, has_floor)


@functools.cache
def _text_statements(terms, has_floor, after):
    """_NameRowStatements of a text search of ``terms`` terms, with named parameters (see _text_rows):
    ``term_<n>`` and ``pattern_<n>`` (like_pattern of it), ``rows``, ``window``, and after a position
    ``after_name`` and ``after_id``."""
    patterns = [func.piiri_norm(bindparam(f"pattern_{number}", type_=String)) for number in range(terms)]
    floor = None
    if has_floor:
        norms = [func.piiri_norm(bindparam(f"term_{number}", type_=String)) for number in range(terms)]
        floor = _floor_of([[(norm, pattern)] for norm, pattern in zip(norms, patterns, strict=True)])
    return _NameRowStatements(lambda search_text: _contains_all(search_text, patterns), floor, after)


def _sort_floor(alternatives, normalise=False):
    """A lower bound of the sort_name of every contact whose search_text contains, for each list of
    ``alternatives``, one of its strings, as an SQL expression ('' when there is none to be had), or
    None when no string can give one. It is computed in the statement that walks from it (one round trip
    fewer a search; issue 18).

    A string of letters only (2+) lies inside one word of a search_text, and search_words holds
    every such word with a lower bound of the sort_name of the contacts having it; so the contacts
    containing the string sort at or after the least bound of the words containing it. Strings with
    other characters may span words: they give no bound. ``normalise``: the strings are raw search
    terms, normalised (piiri_norm) in SQL. Whether the strings are letters is first judged here (None:
    the walk has no floor); SQL judges again on the normalised strings (_floor_of), so a string it finds
    not to be letters only lowers the bound.
    """
    if not any(all(_letters_only(string) for string in strings) for strings in alternatives):
        return None
    return _floor_of(
        [
            [
                (
                    func.piiri_norm(string) if normalise else literal(string),
                    func.piiri_norm(like_pattern(string)),
                )
                for string in strings
            ]
            for strings in alternatives
        ]
    )


def _floor_of(alternatives):
    """_sort_floor's bound in SQL; ``alternatives``: [[(the string normalised, its LIKE pattern
    normalised), ...], ...], as SQL expressions."""
    bounds = []
    for strings in alternatives:
        valid = and_(*(norm.op("~")(r"^[[:alpha:]]{2,}$") for norm, _ in strings))
        words = or_(*(search_words.c.word.like(pattern) for _, pattern in strings))
        least = select(func.min(search_words.c.first_sort_name)).where(words).scalar_subquery()
        bounds.append(select(least.label("bound")).where(valid))
    union = bounds[0].union_all(*bounds[1:]).subquery("bounds")
    return func.coalesce(select(func.max(union.c.bound)).scalar_subquery(), literal(""))


def _letters_only(string):
    return len(string) >= 2 and string.isalpha()


class _NameRowStatements:
    """The statements _name_rows chooses from, for the contacts whose search_text meets
    ``condition_on(search_text column)``, walking from ``floor`` (an SQL expression, or None), after a
    position when ``after``: the match estimate (EXPLAIN'd), the bounded walk, the unbounded walk and the
    fetch of every match. Each is built when first used, and the estimate compiled once per dialect.
    Parameters: ``rows`` (limit + 1), ``window`` (the bounded walk's entries), and after a position
    ``after_name`` and ``after_id``."""

    ROWS = bindparam("rows", type_=Integer)

    def __init__(self, condition_on, floor, after):
        self.condition_on, self.floor = condition_on, floor
        self.keyset = _after_parameters if after else _unchanged
        self._explained = {}  # dialect -> the compiled estimate

    def explained(self, dialect):
        if dialect not in self._explained:
            estimate = select(literal_column("1")).select_from(contacts).where(self._condition)
            self._explained[dialect] = estimate.compile(dialect=dialect)
        return self._explained[dialect]

    @functools.cached_property
    def _condition(self):
        return self.condition_on(contacts.c.search_text)

    @functools.cached_property
    def walk(self):
        window = bindparam("window", type_=Integer)
        return _page_query(_walk_hits(self.condition_on, self.ROWS, self.keyset, window, self.floor))

    @functools.cached_property
    def walk_all(self):
        return _page_query(_walk_hits(self.condition_on, self.ROWS, self.keyset, None, self.floor))

    @functools.cached_property
    def fetch(self):
        matches = self.keyset(select(contacts.c.id, contacts.c.sort_name).where(self._condition))
        matches = matches.offset(0).subquery("matches")
        hits = select(matches).order_by(matches.c.sort_name, matches.c.id).limit(self.ROWS)
        return _page_query(hits.subquery("hits"))


def _name_rows(session, statements, params, limit, has_floor=False):
    """The first limit + 1 contacts after the position in ``params``, in (sort_name, id) order, that
    ``statements`` (_NameRowStatements: a condition on search_text, LIKEs only) find.

    Left to itself, PostgreSQL walks the name-order index and filters whenever it expects more
    than ~2,000 matches, assuming they are spread evenly through the alphabet. A surname's matches
    are not: at 1M contacts the first 'virtanen' lies ~940k entries into that walk (2-4 s). So the
    path is chosen here, from the planner's estimate of the number of matches:

    - few: fetch every match through the trigram index and sort them (OFFSET 0 keeps the planner
      from turning this back into the walk); but with a floor (``has_floor``) and more than a page
      expected, try the bounded walk first, as for in between;
    - many (common substrings, short terms): walk the name-order index, which soon meets them;
    - in between: walk a bounded window of it; if that holds a page of matches (a surname, a first
      name or substring spread through the alphabet), that is the page; otherwise fetch them all
      as for few.

    Walks start at the floor (_sort_floor: no match sorts before it), so a surname's walk starts
    at its own block rather than at 'a'.

    Every path gives the same rows in the same order as one plain query would.
    """
    estimate = _estimated_rows(session, statements, params)
    if estimate > FEW_MATCHES or (has_floor and estimate > limit):
        if estimate > MANY_MATCHES:
            return session.execute(statements.walk_all, params).all()
        window = min(WALK_ROWS_PER_RESULT * (limit + 1), MAX_WALK_ROWS)
        rows = session.execute(statements.walk, {**params, "window": window}).all()
        if len(rows) > limit:
            return rows
    return session.execute(statements.fetch, params).all()


def _unchanged(query):
    return query


def _walk_hits(condition_on, rows, keyset, window, floor=None):
    """(id, sort_name) of the first ``rows`` matches met walking the name-order index (``window``
    entries at most, an SQL expression, or None: no bound) from ``keyset``'s position.

    The walk reads only id, sort_name and search_text, all in the covering index contacts_sort:
    an index-only scan.
    """
    source = contacts
    if window is not None:
        walk = keyset(select(contacts.c.id, contacts.c.sort_name, contacts.c.search_text))
        if floor is not None:
            walk = walk.where(contacts.c.sort_name >= floor)
        source = walk.order_by(contacts.c.sort_name, contacts.c.id).limit(window).subquery("walk")
    hits = select(source.c.id, source.c.sort_name).where(condition_on(source.c.search_text))
    if window is None:
        hits = keyset(hits)
        if floor is not None:
            hits = hits.where(contacts.c.sort_name >= floor)
    return hits.order_by(source.c.sort_name, source.c.id).limit(rows).subquery("hits")


def _page(session, hits, order=None):
    """The summary rows of ``hits`` (a subquery of id, sort_name), in (sort_name, id) order or
    ``order(hits)``: the summary columns, some of them subqueries, are computed for the page's rows
    only, not for every match."""
    return session.execute(_page_query(hits, order)).all()


def _page_query(hits, order=None):
    query = select(*SUMMARY_COLUMNS, contacts.c.sort_name).join_from(
        hits, contacts, contacts.c.id == hits.c.id
    )
    return query.order_by(*(order(hits) if order else (hits.c.sort_name, hits.c.id)))


def _estimated_rows(session, statements, params):
    """The planner's estimate of how many rows ``statements``' condition matches with ``params`` (EXPLAIN,
    nothing is run)."""
    compiled = statements.explained(session.get_bind().dialect)
    plan = (
        session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", {**compiled.params, **params})
        .scalar_one()
    )
    return plan[0]["Plan"]["Plan Rows"]


FUZZY_THRESHOLD = 0.45  # pg_trgm word similarity; 'aijla' still finds 'aijala' (Äijälä)
FUZZY_WORDS = 8  # nearest dictionary words per term


def _fuzzy_page(session, plan, limit, position, conditions=()):
    """Typo-tolerant matches: each term is looked up in the dictionary of search words
    (search_words, trigram-indexed), and contacts containing one of a term's nearest words (for
    every term) are ranked by the similarity of the best word they contain (summed over terms),
    then by name. The matching itself is the exact search (LIKE) for those words.

    One term: the words form groups of equal similarity, best first; a contact belongs to the first
    group whose word it contains. Each group is one exact search in name order with keyset paging
    (_name_rows), so a page costs about what an exact search does. Cursor: {"g": group, "s", "i"}.
    Several terms: all matches are scored and sorted (the terms together rarely match many); offset
    cursor {"o"}.
    """
    words = fuzzy_words(session, plan)
    if not all(words):
        return [], None
    if len(words) == 1:
        return _fuzzy_groups_page(session, fuzzy_groups(words[0]), limit, position, conditions)
    return _fuzzy_scored_page(session, words, limit, position, conditions)


def fuzzy_words(session, plan):
    """[[(word, similarity)] per term]: the dictionary words each term of a text plan may stand for.
    The one definition of a typo-tolerant match: the rows (_fuzzy_page) and the count
    (saved_searches.storage.count_matches) both take the contacts of fuzzy_condition(these words)."""
    return [_nearest_words(session, term) for term in plan.terms]


def fuzzy_condition(words, search_text=None):
    """A contact matches typo-tolerantly when, for every term, it contains one of the term's words
    (fuzzy_words); false when a term has none. Issue 13 item 3 (C4): the count and the rows agree."""
    search_text = contacts.c.search_text if search_text is None else search_text
    if not all(words):
        return literal(False)
    return and_(*(_contains_any(search_text, [word for word, _ in term_words]) for term_words in words))


def _nearest_words(session, term):
    """[(word, similarity)] of the dictionary words nearest to ``term``, best first.

    The trigram index finds the words above ``pg_trgm.word_similarity_threshold``, which this one
    statement sets to FUZZY_THRESHOLD for its own transaction (``set_config(…, true)``): in a
    ``reads()`` block the statement is that transaction; in another it lasts to its end, as SET LOCAL
    would. The setting is a row the words are looked up for (LATERAL), so it is in force before the
    index is read."""
    setting = select(
        func.set_config("pg_trgm.word_similarity_threshold", str(FUZZY_THRESHOLD), True).label("value")
    ).subquery("setting")
    norm = func.piiri_norm(term)
    score = func.word_similarity(norm, search_words.c.word).label("similarity")
    nearest = (
        select(search_words.c.word, score)
        .where(setting.c.value.is_not(None), norm.op("<%")(search_words.c.word))
        .order_by(score.desc(), search_words.c.word)
        .limit(FUZZY_WORDS)
        .lateral("nearest")
    )
    query = select(nearest.c.word, nearest.c.similarity).select_from(setting).join(nearest, true())
    return [(word, float(similarity)) for word, similarity in session.execute(query)]


def fuzzy_groups(words):
    """[(similarity, [word, ...])] of ``words`` ([(word, similarity)], best first): equal
    similarities share a group."""
    groups = []
    for word, similarity in words:
        if groups and groups[-1][0] == similarity:
            groups[-1][1].append(word)
        else:
            groups.append((similarity, [word]))
    return groups


def _contains_any(search_text, words):
    return or_(*(search_text.like(like_pattern(word)) for word in words))


def _fuzzy_groups_page(session, groups, limit, position, conditions):
    rows = []  # (group, row)
    group = position.get("g", 0)
    after = {"s": position["s"], "i": position["i"]} if "s" in position else None
    while group < len(groups) and len(rows) <= limit:
        better = [word for _, group_words in groups[:group] for word in group_words]

        def condition_on(search_text, words=groups[group][1], better=better):
            condition = _contains_any(search_text, words)
            return and_(condition, not_(_contains_any(search_text, better))) if better else condition

        wanted = limit + 1 - len(rows)
        if conditions:
            query = select(*SUMMARY_COLUMNS, contacts.c.sort_name).where(
                condition_on(contacts.c.search_text), *conditions
            )
            query = _after(query, after).order_by(contacts.c.sort_name, contacts.c.id).limit(wanted)
            found = session.execute(query).all()
        else:
            floor = _sort_floor([groups[group][1]])
            statements = _NameRowStatements(condition_on, floor, after is not None)
            params = {"rows": wanted, **_position_params(after)}
            found = _name_rows(session, statements, params, wanted - 1, floor is not None)
        rows.extend((group, row) for row in found)
        group, after = group + 1, None
    next_position = None
    if len(rows) > limit:
        last_group, last = rows[limit - 1]
        next_position = {"m": "f", "g": last_group, "s": last.sort_name, "i": str(last.id)}
    return [_summary(row) for _, row in rows[:limit]], next_position


def _fuzzy_scored_page(session, words, limit, position, conditions):
    offset = position.get("o", 0)
    search_text = contacts.c.search_text
    score = sum(
        (
            case(
                *((search_text.like(like_pattern(word)), similarity) for word, similarity in term_words),
                else_=0.0,
            )
            for term_words in words
        ),
        literal(0.0),
    ).label("score")
    matches = fuzzy_condition(words, search_text)
    hits = (
        select(contacts.c.id, contacts.c.sort_name, score)
        .where(matches, *conditions)
        .order_by(score.desc(), contacts.c.sort_name, contacts.c.id)
        .offset(offset)
        .limit(limit + 1)
        .subquery("hits")
    )
    rows = _page(session, hits, order=lambda hits: (hits.c.score.desc(), hits.c.sort_name, hits.c.id))
    next_position = {"m": "f", "o": offset + limit} if len(rows) > limit else None
    return [_summary(row) for row in rows[:limit]], next_position


def _summary(row):
    data = dict(row._mapping)
    data.pop("sort_name", None)
    return {
        "id": data["id"],
        "kind": data["kind"],
        "display_name": display_name(data),
        "email": data["email"],
        "phone": data["phone"],
        "city": data["city"],
        "birth_date": data["birth_date"],
        "deceased_on": data["deceased_on"],
        "active_statuses": data["active_statuses"] or [],
    }


def cursor_for(position):
    return encode_cursor(position) if position else None


def count_contacts(session):
    return session.execute(select(func.count()).select_from(contacts)).scalar_one()


def ping(session):
    return session.execute(text("SELECT 1")).scalar_one() == 1


def conflict_ties(session, contact_ids, group_ids):
    """{contact id: {"organisations": [ids], "partners": [ids], "groups": [ids]}} (Q3 conflicts of
    interest): an organisation counts for itself and for the people affiliated with it (not ended)."""
    ties = {str(key): {"organisations": set(), "partners": set(), "groups": set()} for key in contact_ids}
    if not contact_ids:
        return {}
    today = clock.today()
    a = models.affiliations.c
    current = or_(a.ends_on.is_(None), a.ends_on >= today)
    query = select(a.person_id, a.organisation_id).where(
        current, or_(a.person_id.in_(contact_ids), a.organisation_id.in_(contact_ids))
    )
    for person_id, organisation_id in session.execute(query):
        if str(person_id) in ties:
            ties[str(person_id)]["organisations"].add(str(organisation_id))
        if str(organisation_id) in ties:
            ties[str(organisation_id)]["organisations"].add(str(organisation_id))
    c = models.couple_members.c
    partner = models.couple_members.alias("partner")
    query = (
        select(c.contact_id, partner.c.contact_id)
        .join(partner, and_(partner.c.couple_id == c.couple_id, partner.c.contact_id != c.contact_id))
        .where(c.contact_id.in_(contact_ids))
    )
    for contact_id, partner_id in session.execute(query):
        ties[str(contact_id)]["partners"].add(str(partner_id))
    if group_ids:
        m = models.memberships.c
        query = select(m.contact_id, m.group_id).where(
            m.contact_id.in_(contact_ids),
            m.group_id.in_(group_ids),
            or_(m.ends_on.is_(None), m.ends_on >= today),
        )
        for contact_id, group_id in session.execute(query):
            ties[str(contact_id)]["groups"].add(str(group_id))
    return {key: {name: sorted(values) for name, values in found.items()} for key, found in ties.items()}
