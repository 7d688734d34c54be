"""Validating one import row (I1) against the chosen mapping, pure and fast: cells -> the contact's
values in the contacts service's ContactInput shape, and an error per bad cell.

The mapping is compiled once into one reader per mapped column, so a row costs a few dictionary
look-ups and the readers of its non-empty cells (cells.py).
"""

from piiri import clock
from piiri.errors import coded
from services.contacts.contract import LANGUAGES
from services.imports import cells as read
from services.imports.mapping import mapping_errors

ROW_KEY = ""  # errors of the row as a whole (a person without a name), not of one cell
EMPTY = (None, "")


class RowValidator:
    """Validate rows of one import.

    ``catalogue``: mapping.build_catalogue(...); ``mapping``: {header: field key or None}, in the file's
    column order unless ``headers`` (the table's headers, the order of the cells) is given;
    ``custom_field_definitions``: the active custom field definitions (required flags, choices).

    ``validate(row_number, cells)`` -> ``(values, errors)``. ``values`` holds only what the row gives
    (an empty cell is no value: left out, so an update never clears a field from an empty cell):
    standard fields by name, ``custom`` {key: value}, and for e-mails, phones and addresses either the
    flat fields (email, phone, street, postal_code, city, country) when only those are mapped, or the
    lists (emails, phones, addresses, the flat column's value first and primary) when a column of a
    kind ('emails.work', 'addresses.home.city') is mapped. ``errors`` is {header: message code or coded
    entry}, ROW_KEY ('') for the row as a whole; contract/messages.py words them.

    ``errors_of_mapping`` lists what the mapping itself lacks ({header or ROW_KEY: message}): a field
    mapped twice, a required custom field not mapped (``require_custom=False`` when rows only update).
    """

    def __init__(
        self, catalogue, mapping, custom_field_definitions=(), headers=None, require_custom=True, today=None
    ):
        self.catalogue = catalogue
        self.headers = list(headers if headers is not None else mapping)
        self.mapping = {header: mapping.get(header) for header in self.headers}
        self.today = today
        self.errors_of_mapping = mapping_errors(self.mapping, catalogue)
        definitions = {d["key"]: d for d in custom_field_definitions or () if not d.get("removed_at")}
        mapped = set(self.mapping.values())
        self.required = []  # the headers of required custom fields
        unmapped = []
        for key, definition in definitions.items():
            if not definition.get("required"):
                continue
            header = next((h for h, k in self.mapping.items() if k == f"custom.{key}"), None)
            if header is None:
                unmapped.append(definition.get("label_fi") or definition.get("label_en") or key)
            else:
                self.required.append(header)
        if unmapped and require_custom:
            self.errors_of_mapping[ROW_KEY] = coded("import.mapping.required_unmapped", field=unmapped)
        self.uses_list = {
            name: any(key and key.startswith(name + ".") for key in mapped)
            for name in ("emails", "phones", "addresses")
        }
        by_key = {key: header for header, key in reversed(self.mapping.items()) if key}
        self.name_header = by_key.get("last_name") or by_key.get("first_name") or ROW_KEY
        self.organisation_header = by_key.get("organisation_name", ROW_KEY)
        self.kind_mapped = "kind" in mapped
        self._columns = self._compile(definitions)

    # --- compiling the mapping -------------------------------------------------------------------

    def _compile(self, definitions):
        """[(index, header, kind, target, reader)]: country columns first (postal codes and phones
        depend on the country)."""
        columns = []
        for index, header in enumerate(self.headers):
            key = self.mapping.get(header)
            if not key or key not in self.catalogue:
                continue
            item = self.catalogue[key]
            columns.append((item.type != "country", index, header, key, item, definitions))
        columns.sort(key=lambda column: (column[0], column[1]))
        return [
            (index, header, _target(key), self._reader(item, defs))
            for _, index, header, key, item, defs in columns
        ]

    def _reader(self, item, definitions):
        kind = item.type
        limit = item.max_length
        if kind in ("text", "notes"):
            return lambda raw, row: _limited(read.text(raw), limit)
        simple = {
            "email": lambda raw, row: read.parse_email(raw),
            "country": lambda raw, row: read.parse_country(raw),
            "gender": lambda raw, row: read.parse_gender(raw),
            "kind": lambda raw, row: read.parse_kind(raw),
            "website": lambda raw, row: read.parse_website(raw),
            "einvoice_address": lambda raw, row: read.parse_einvoice_address(raw),
            "einvoice_operator": lambda raw, row: read.parse_einvoice_operator(raw),
            "language": lambda raw, row: read.parse_language(raw, LANGUAGES),
            "birth_date": lambda raw, row: self._birth_date(raw),
            "tags": lambda raw, row: _tags(raw),
            "email_list": lambda raw, row: [read.parse_email(part) for part in read.split_list(raw, ";,\n ")],
            "phone_list": lambda raw, row: [read.parse_phone(p, row.region) for p in _phones(raw)],
            "phone": lambda raw, row: read.parse_phone(raw, row.region),
            "postal_code": lambda raw, row: read.parse_postal_code(raw, row.country_for(item.key)),
        }
        if kind in simple:
            return simple[kind]
        definition = item.custom or definitions.get(item.key.removeprefix("custom."), {})
        return _custom_reader(kind.removeprefix("custom_"), definition, self.today)

    def _birth_date(self, raw):
        value = read.parse_date(raw, self.today)
        if not read.date(1880, 1, 1) <= value <= (self.today or clock.today()):
            raise read.CellError("import.cell.birth_date_range")
        return value.isoformat()

    # --- one row -----------------------------------------------------------------------------------

    def validate(self, row_number, cells):
        """(values, errors) of one row; ``cells`` in the order of ``headers``."""
        row = _Row()
        errors = {}
        width = len(cells)
        for index, header, target, reader in self._columns:
            raw = cells[index] if index < width else None
            if raw in EMPTY or (raw.__class__ is str and not raw.strip()):
                continue
            try:
                value = reader(raw, row)
            except read.CellError as exc:
                errors[header] = exc.entry
                continue
            if value is not None:
                row.put(target, value)
        values = self._finish(row, errors)
        return values, errors

    def _finish(self, row, errors):
        values = row.values
        if row.custom:
            values["custom"] = row.custom
        if "notes" in values and isinstance(values["notes"], list):
            values["notes"] = "\n".join(values["notes"])
        if "tags" in values:
            values["tags"] = list(dict.fromkeys(values["tags"]))
        for name in ("emails", "phones"):
            if self.uses_list[name]:
                flat = values.pop(name[:-1], None)
                entries = ([("home" if name == "emails" else "mobile", flat)] if flat else []) + row.lists[
                    name
                ]
                if entries:
                    values[name] = _entries(name, entries)
        if self.uses_list["addresses"]:
            addresses = row.address_entries(values)
            if addresses:
                values["addresses"] = addresses
        if (
            not self.kind_mapped
            and values.get("organisation_name")
            and not (values.get("first_name") or values.get("last_name"))
        ):
            values["kind"] = "organisation"
        for header in self.required:
            if header not in errors and row.custom.get(self.mapping[header].removeprefix("custom.")) is None:
                errors[header] = "import.row.required"
        kind = values.get("kind", "person")
        if any(self.mapping.get(header) == "kind" for header in errors):
            pass  # an unknown kind: which name it needs is not known
        elif kind == "organisation" and not values.get("organisation_name"):
            errors.setdefault(self.organisation_header, "import.row.organisation_name")
        elif kind == "person" and not (values.get("first_name") or values.get("last_name")):
            if not any(self.mapping.get(h) in ("first_name", "last_name") for h in errors):
                errors.setdefault(self.name_header, "import.row.person_name")
        return values


class _Row:
    """The values of one row as its columns are read."""

    __slots__ = ("values", "custom", "lists", "addresses", "region")

    def __init__(self):
        self.values = {}
        self.custom = {}
        self.lists = {"emails": [], "phones": []}
        self.addresses = {}
        self.region = "FI"

    def country_for(self, key):
        if key.startswith("addresses."):
            kind = key.split(".")[1]
            return self.addresses.get(kind, {}).get("country") or self.values.get("country") or "FI"
        return self.values.get("country") or "FI"

    def put(self, target, value):
        """Put a cell's value where ``target`` (from _target) says."""
        where, key, kind, part = target
        if where == CUSTOM:
            self.custom[key] = value
        elif where == LIST:
            self.lists[key].extend((kind, item) for item in value)
        elif where == ADDRESS:
            self.addresses.setdefault(kind, {})[part] = value
            if part == "country" and not self.values.get("country"):
                self.region = read_region(value)
        elif key in ("tags", "notes") and key in self.values:
            if key == "notes":
                self.values[key] = [*_as_list(self.values[key]), value]
            else:
                self.values[key] = self.values[key] + value
        else:
            self.values[key] = value
            if key == "country":
                self.region = read_region(value)

    def address_entries(self, values):
        """Address entries: the flat columns' one first (primary), then each kind's."""
        entries = []
        flat = {
            part: values.pop(part) for part in ("street", "postal_code", "city", "country") if part in values
        }
        if any(flat.get(part) for part in ("street", "postal_code", "city")):
            entries.append({"kind": "home", "country": "FI", **flat})
        for kind, parts in self.addresses.items():
            if any(parts.get(part) for part in ("street", "postal_code", "city")):
                entries.append({"kind": kind, "country": flat.get("country") or "FI", **parts})
        if not entries and flat.get("country"):
            values["country"] = flat["country"]
        for number, entry in enumerate(entries):
            entry["primary"] = number == 0
        return entries


VALUE, CUSTOM, LIST, ADDRESS = range(4)


def _target(key):
    """Where a field key's values go: (VALUE|CUSTOM|LIST|ADDRESS, name, kind, part)."""
    if key.startswith("custom."):
        return CUSTOM, key[7:], None, None
    if key.startswith(("emails.", "phones.")):
        name, kind = key.split(".")
        return LIST, name, kind, None
    if key.startswith("addresses."):
        _, kind, part = key.split(".")
        return ADDRESS, "addresses", kind, part
    return VALUE, key, None, None


def read_region(country):
    """The phone numbering region of a country code (FI when phonenumbers does not know it)."""
    import phonenumbers

    return country if phonenumbers.country_code_for_region(country) else "FI"


def _entries(name, pairs):
    """[(kind, value)] -> list entries without repeats, the first primary."""
    value_key = "address" if name == "emails" else "number"
    seen, entries = set(), []
    for kind, value in pairs:
        identity = value.casefold()
        if identity in seen:
            continue
        seen.add(identity)
        entries.append({value_key: value, "kind": kind, "primary": not entries})
    return entries


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _limited(value, limit):
    if value is not None and limit and len(value) > limit:
        raise read.CellError("import.cell.too_long", count=limit)
    return value


def _tags(raw):
    tags = [" ".join(tag.split()).lower() for tag in read.split_list(raw, ";,\n")]
    for tag in tags:
        if len(tag) > 40:
            raise read.CellError("import.cell.tag_too_long")
    return tags


def _phones(raw):
    if isinstance(raw, int | float):
        return [raw]
    return read.split_list(raw, ";,\n")


def _custom_reader(field_type, definition, today):
    """The reader of a custom field's cells, giving the value the contacts service stores."""
    if field_type in ("choice", "multi_choice"):
        index = read.choice_index(definition.get("choices"))
        order = [choice["value"] for choice in definition.get("choices") or ()]
        if field_type == "choice":
            return lambda raw, row: read.parse_choice(raw, index)
        return lambda raw, row: read.parse_multi_choice(raw, index, order)
    if field_type == "date":
        return lambda raw, row: read.parse_date(raw, today).isoformat()
    if field_type == "number":
        return lambda raw, row: read.parse_number(raw)
    if field_type == "boolean":
        return lambda raw, row: read.parse_boolean(raw)
    if field_type == "contact_link":
        return lambda raw, row: _contact_id(raw)
    return lambda raw, row: _limited(read.text(raw), 2000)


def _contact_id(raw):
    import uuid

    try:
        return str(uuid.UUID(read.text(raw)))
    except ValueError:
        raise read.CellError("import.cell.contact_id") from None
