"""Reading vCard files (.vcf, versions 2.1, 3.0 and 4.0) as an import table (I1), pure.

Each card becomes one row under fixed headers that are field keys of mapping.build_catalogue(), so the
proposed mapping is exact and the same validation runs as for spreadsheets. Several e-mails or phones
of one kind share a cell, one a line; the row number is the card's number in the file.
"""

import quopri
import re

from services.imports import limits as checks
from services.imports.errors import ImportFileError
from services.imports.limits import Limits
from services.imports.reading import Table, decode_text

EMAIL_KINDS = ("home", "work", "other")
PHONE_KINDS = ("mobile", "home", "work", "fax", "other")
ADDRESS_KINDS = ("home", "work", "postal")
HEADERS = (
    "kind",
    "honorific",
    "first_name",
    "middle_name",
    "last_name",
    "preferred_name",
    "organisation_name",
    "title",
    *(f"emails.{kind}" for kind in EMAIL_KINDS),
    *(f"phones.{kind}" for kind in PHONE_KINDS),
    *(
        f"addresses.{kind}.{part}"
        for kind in ADDRESS_KINDS
        for part in ("street", "postal_code", "city", "country")
    ),
    "birth_date",
    "gender",
    "website",
    "tags",
    "notes",
)
COLUMN = {header: index for index, header in enumerate(HEADERS)}
ESCAPES = re.compile(r"\\(.)", re.S)


class VcardTable(Table):
    """The cards of a .vcf file as rows; cells are texts."""

    format = "vcard"

    def __init__(self, cards):
        self.headers = list(HEADERS)
        self.sheet_names = []
        self.header_row = 0
        self._cards = cards
        self.row_count_estimate = len(cards)

    def rows(self, start=None):
        for number, card in enumerate(self._cards, start=1):
            if start and number < start:
                continue
            yield number, card_row(card)


def read_vcards(data, limits=None):
    """A VcardTable of the cards in ``data`` (bytes); ImportFileError('empty' / 'truncated' /
    'encoding') when there are no cards or one is not closed, and the limits' errors
    ('too_many_cards', 'too_many_properties', 'line_too_long', 'nul_bytes') for a vCard bomb."""
    limits = limits or Limits()
    checks.check_nul(data, data.startswith((b"\xff\xfe", b"\xfe\xff")))
    text, _ = decode_text(data)
    cards, current, start_line = [], None, 0
    for number, line in enumerate(unfold(text, limits.line_chars), start=1):
        name, params, value = parse_line(line)
        if name == "BEGIN" and value.upper() == "VCARD":
            current, start_line = [], number
        elif name == "END" and value.upper() == "VCARD" and current is not None:
            cards.append(current)
            current = None
            if len(cards) > limits.rows:
                raise ImportFileError(
                    "too_many_cards",
                    "import.file.too_many_cards",
                    limit=limits.rows,
                )
        elif current is not None and name:
            current.append((name, params, value))
            if len(current) > limits.vcard_properties:
                raise ImportFileError(
                    "too_many_properties",
                    "import.file.too_many_properties",
                    line=start_line,
                    limit=limits.vcard_properties,
                )
    if current is not None:
        raise ImportFileError(
            "truncated",
            "import.file.vcard_unclosed",
            line=start_line,
        )
    if not cards:
        raise ImportFileError("empty", "import.file.no_cards")
    return VcardTable(cards)


def unfold(text, max_chars=Limits.line_chars):
    """Logical lines: a line starting with a space or tab continues the previous one; a
    quoted-printable line ending in '=' continues on the next (vCard 2.1). A logical line longer than
    ``max_chars`` is refused (ImportFileError 'line_too_long', naming where it starts): a card folded
    into a million pieces must not be glued together first."""
    lines = []  # [first physical line number, [parts], length]
    for number, raw in enumerate(text.splitlines(), start=1):
        last = lines[-1] if lines else None
        if raw[:1] in (" ", "\t") and last:
            last[1].append(raw[1:])
            last[2] += len(raw) - 1
        elif last and last[1][-1].endswith("=") and _quoted_printable(last[1][0]):
            last[1].append("\n" + raw)  # a soft line break: parse_line joins it
            last[2] += len(raw) + 1
        else:
            lines.append([number, [raw], len(raw)])
            last = lines[-1]
        if last[2] > max_chars:
            raise ImportFileError(
                "line_too_long",
                "import.file.vcard_line_too_long",
                line=last[0],
                chars=last[2],
                limit=max_chars,
            )
    joined = ("".join(parts) for _, parts, _ in lines)
    return [line for line in joined if line.strip()]


def _quoted_printable(first_part):
    return "QUOTED-PRINTABLE" in first_part.split(":", 1)[0].upper()


def parse_line(line):
    """'item1.TEL;TYPE=CELL,VOICE:+358 40 1' -> ('TEL', {'TYPE': {'CELL', 'VOICE'}}, '+358 40 1')."""
    head, sep, value = _split_unquoted(line)
    if not sep:
        return None, {}, ""
    parts = head.split(";")
    name = parts[0].rsplit(".", 1)[-1].upper()
    params = {}
    for part in parts[1:]:
        key, eq, raw = part.partition("=")
        if not eq:  # vCard 2.1: TEL;CELL;HOME
            key, raw = "TYPE", key
        values = {item.strip('"').upper() for item in raw.split(",") if item}
        params.setdefault(key.upper(), set()).update(values)
    if "QUOTED-PRINTABLE" in params.get("ENCODING", ()):
        charset = next(iter(params.get("CHARSET", {"UTF-8"})))
        raw = value.replace("=\n", "").replace("\n", "")
        value = quopri.decodestring(raw.encode("latin-1", "replace")).decode(charset.lower(), "replace")
    return name, params, value


def _split_unquoted(line):
    """Split at the first ':' not inside a quoted parameter value."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], ":", line[index + 1 :]
    return line, "", ""


def unescape(value):
    return ESCAPES.sub(lambda match: "\n" if match.group(1) in "nN" else match.group(1), value)


def components(value):
    """A structured value ('Virtanen;Maija;;;') -> its unescaped parts split at unescaped ';'."""
    return [unescape(part).strip() for part in re.split(r"(?<!\\);", value)]


def card_row(card):
    """One card's properties -> cells in HEADERS order (None where it gives nothing)."""
    cells = [None] * len(HEADERS)
    lists = {}
    name_given = False
    for name, params, value in card:
        types = {t.lower() for t in params.get("TYPE", ())}
        if name == "N":
            parts = components(value) + [""] * 5
            for header, part in zip(
                ("last_name", "first_name", "middle_name", "honorific"), parts[:4], strict=True
            ):
                cells[COLUMN[header]] = part or None
            name_given = any(parts[:2])
        elif name == "FN" and not name_given and value.strip():
            _split_formatted_name(cells, unescape(value).strip())
        elif name == "NICKNAME":
            cells[COLUMN["preferred_name"]] = unescape(value).split(",")[0].strip() or None
        elif name == "ORG":
            cells[COLUMN["organisation_name"]] = components(value)[0] or None
        elif name == "TITLE":
            cells[COLUMN["title"]] = unescape(value).strip() or None
        elif name == "EMAIL" and value.strip():
            kind = (
                "work"
                if "work" in types
                else "home"
                if "home" in types
                else "other"
                if types - {"internet", "pref"}
                else "home"
            )
            _add(lists, f"emails.{kind}", value.strip(), "pref" in types or "PREF" in params)
        elif name == "TEL" and value.strip():
            _add(
                lists,
                f"phones.{_phone_kind(types)}",
                value.strip().removeprefix("tel:"),
                "pref" in types or "PREF" in params,
            )
        elif name == "ADR":
            _address(cells, types, components(value))
        elif name == "BDAY" and value.strip() and not value.startswith("--"):
            cells[COLUMN["birth_date"]] = value.strip()[:10] if "-" in value else value.strip()[:8]
        elif name == "GENDER" and value.strip():
            cells[COLUMN["gender"]] = {"F": "female", "M": "male", "O": "other"}.get(
                value.split(";")[0].strip().upper()
            )
        elif name == "KIND" and value.strip().lower() in ("org", "organization"):
            cells[COLUMN["kind"]] = "organisation"
        elif name == "X-ABSHOWAS" and value.strip().upper() == "COMPANY":
            cells[COLUMN["kind"]] = "organisation"
        elif name == "URL" and value.strip() and not cells[COLUMN["website"]]:
            cells[COLUMN["website"]] = unescape(value).strip()
        elif name == "CATEGORIES":
            cells[COLUMN["tags"]] = ", ".join(
                part.strip() for part in re.split(r"(?<!\\),", value) if part.strip()
            )
        elif name == "NOTE" and value.strip():
            note = unescape(value).strip()
            old = cells[COLUMN["notes"]]
            cells[COLUMN["notes"]] = f"{old}\n{note}" if old else note
    for header, values in lists.items():
        cells[COLUMN[header]] = "\n".join(values)
    return cells


def _split_formatted_name(cells, full):
    first, _, last = full.rpartition(" ")
    if first:
        cells[COLUMN["first_name"]], cells[COLUMN["last_name"]] = first, last
    else:
        cells[COLUMN["last_name"]] = last


def _add(lists, header, value, preferred):
    values = lists.setdefault(header, [])
    if preferred:
        values.insert(0, value)
    else:
        values.append(value)


def _phone_kind(types):
    if "fax" in types:
        return "fax"
    if "cell" in types or "mobile" in types or "iphone" in types:
        return "mobile"
    if "work" in types:
        return "work"
    if "home" in types:
        return "home"
    return "mobile" if not types - {"voice", "pref"} else "other"


def _address(cells, types, parts):
    """ADR: post office box; extended; street; locality; region; postal code; country."""
    parts = parts + [""] * 7
    kind = "work" if "work" in types else "postal" if "postal" in types and "home" not in types else "home"
    if cells[COLUMN[f"addresses.{kind}.street"]] or cells[COLUMN[f"addresses.{kind}.city"]]:
        return  # one address of a kind: the first (the preferred one usually comes first)
    street = ", ".join(part for part in (parts[2], parts[1], parts[0] and f"PL {parts[0]}") if part)
    for part, value in (
        ("street", street),
        ("city", parts[3]),
        ("postal_code", parts[5]),
        ("country", parts[6]),
    ):
        cells[COLUMN[f"addresses.{kind}.{part}"]] = value or None
