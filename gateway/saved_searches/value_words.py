"""The advanced search's values in people's words (issue 13 item 6), pure: a row's value is typed or
picked as a word in the reader's language ("yhteisö", "kyllä", "vain kuolleet", a group's name) and
sent to the contacts service as its code (``organisation``, ``true``, ``only``, the group's id); a
saved search's codes are shown as words again. The form offers the words of each field (a datalist).

A word is taken in any of Piiri's languages and in any case; the code itself is taken too (links and
saved searches made before). A group is named by its name, or by its path ("Jäsenet / Hallitus") when
several groups share the name; its id is taken as well.
"""

import uuid

from gateway.i18n import LANGUAGES, Translator

ENUMS = {  # field -> {code: catalog id of its word}
    "kind": {"person": "kind.person", "organisation": "kind.organisation"},
    "gender": {code: f"gender.{code}" for code in ("female", "male", "other")},
    "address_kind": {code: f"address_kind.{code}" for code in ("home", "work", "other")},
    "deceased": {code: f"as.value.deceased.{code}" for code in ("only", "exclude", "include")},
    **{
        field: {"true": "as.value.yes", "false": "as.value.no"}
        for field in ("has_email", "has_phone", "has_address")
    },
}
STATUS_FIELDS = ("with_active_status", "exclude_active_status")
GROUP_FIELD = "group_id"
PATH_SEPARATOR = " / "


def _key(word):
    return " ".join(str(word).split()).casefold()


def group_paths(groups):
    """{group id: "Parent / Child"} of list_groups(compact=True) items."""
    by_id = {item["id"]: item for item in groups}
    paths = {}
    for item in groups:
        names, seen, current = [], set(), item
        while current is not None and current["id"] not in seen:
            seen.add(current["id"])
            names.append(current["name"])
            current = by_id.get(current.get("parent_id"))
        paths[item["id"]] = PATH_SEPARATOR.join(reversed(names))
    return paths


class ValueWords:
    """The words of every field with coded values, for one reader (``language``)."""

    def __init__(self, language, groups=(), status_kinds=()):
        self.t = Translator(language)
        everyone = [Translator(other) for other in LANGUAGES]
        self.words = {}  # field -> {code: the reader's word}
        self.codes = {}  # field -> {casefolded word or code: code}
        for field, ids in ENUMS.items():
            self.words[field] = {code: self.t(key) for code, key in ids.items()}
            self.codes[field] = {_key(code): code for code in ids}
            for code, key in ids.items():
                for other in everyone:
                    self.codes[field][_key(other(key))] = code
        kinds = {}
        for kind in status_kinds:
            key = f"status_kind.{kind['code']}"
            kinds[kind["code"]] = (
                self.t(key) if self.t.has(key) else kind.get(f"label_{language}") or kind.get("label_fi")
            )
        for field in STATUS_FIELDS:
            self.words[field] = kinds
            self.codes[field] = {_key(code): code for code in kinds}
            for kind in status_kinds:
                for label in (kind.get("label_fi"), kind.get("label_en")):
                    if label:
                        self.codes[field].setdefault(_key(label), kind["code"])
                for other in everyone:
                    key = f"status_kind.{kind['code']}"
                    if other.has(key):
                        self.codes[field].setdefault(_key(other(key)), kind["code"])
        paths = group_paths(groups)
        names = {}
        for item in groups:
            names.setdefault(_key(item["name"]), []).append(item["id"])
        self.words[GROUP_FIELD] = paths
        self.codes[GROUP_FIELD] = {_key(path): group_id for group_id, path in paths.items()}
        self.ambiguous = set()
        for name, ids in names.items():
            if len(ids) == 1:
                self.codes[GROUP_FIELD].setdefault(name, ids[0])
            elif name not in self.codes[GROUP_FIELD]:
                self.ambiguous.add(name)

    def handles(self, field):
        return field in self.words

    def code_of(self, field, value):
        """The code of a typed value, or None when it is no word of the field (a group's id is its code)."""
        found = self.codes[field].get(_key(value))
        if found is None and field == GROUP_FIELD:
            try:
                found = str(uuid.UUID(value))
            except ValueError:
                return None
        return found

    def word_of(self, field, code):
        return self.words.get(field, {}).get(code, code)

    def choices(self, field):
        """The reader's words of ``field``, in the order offered."""
        return list(self.words[field].values())

    def problem(self, field, value):
        """Why ``value`` is no value of ``field``, in the reader's words."""
        if field == GROUP_FIELD and _key(value) in self.ambiguous:
            return self.t("as.value.group_ambiguous", name=value)
        shown = self.choices(field)
        if field == GROUP_FIELD or len(shown) > 8:
            return self.t("as.value.pick", value=value)
        return self.t("as.value.one_of", value=value, choices=", ".join(shown))

    def resolve(self, state):
        """Turn each handled row's word into its code (the expression's value) and its shown word into the
        reader's word; {row key: [problem]} for the words that are no value of their field."""
        problems = {}
        for row in [*state["rows"], *state["group_rows"]]:
            field, value = row["field"], row["value"]
            if not value or not self.handles(field):
                row["shown"] = value
                continue
            code = self.code_of(field, value)
            if code is None:
                problems[row["key"]] = [self.problem(field, value)]
                row["shown"] = value
                row["value"] = ""  # not searched for
                continue
            row["value"] = code
            row["shown"] = self.word_of(field, code)
        return problems


def reader_words(call, language):
    """The ValueWords of ``language`` with the groups (names only, no counts: nothing personal is read)
    and the status kinds from the contacts service; ``call`` is the gateway's RPC call."""
    groups = call("contacts", "list_groups", compact=True, counts=False)["items"]
    return ValueWords(language, groups, call("contacts", "list_status_kinds"))
