"""The vCard export (I2): a .vcf of every contact, vCard 4.0 (RFC 6350) or 3.0 (RFC 2426).

Every e-mail, phone and address with its type, ORG, TITLE, BDAY; texts escaped (\\ , ; newline) and lines
folded at 75 octets without splitting a UTF-8 character. Also used by the QR export for one contact.
"""

from services.exports.formats import export_format

EMAIL_TYPES = {"home": "home", "work": "work", "other": None}
PHONE_TYPES = {
    "mobile": "cell",
    "home": "home",
    "work": "work",
    "fax": "fax",
    "other": None,
}
ADDRESS_TYPES = {"home": "home", "work": "work", "postal": "postal", "billing": "billing", "other": None}
MAX_OCTETS = 75


def escape(text):
    """A text value escaped as vCard wants: backslash, comma, semicolon, newline."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line):
    """The content line folded into lines of at most 75 octets, continuation lines starting with a space."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:
        return line + "\r\n"
    parts, current, size, limit = [], [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def _type_param(kind, mapping, version, pref):
    types = [mapping.get(kind)] if mapping.get(kind) else []
    if version == "3.0":
        if pref:
            types.append("pref")
        return f";TYPE={','.join(types)}" if types else ""
    params = f";TYPE={','.join(types)}" if types else ""
    return params + (";PREF=1" if pref else "")


def card_lines(row, version="4.0"):
    """The content lines (unfolded) of one contact's vCard."""
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    if version == "4.0":
        lines.append("KIND:" + ("org" if row.get("kind") == "organisation" else "individual"))
    lines.append("FN:" + escape(row.get("display_name") or ""))
    if row.get("kind") == "organisation":
        lines.append("N:;;;;")
        lines.append("ORG:" + escape(row.get("organisation_name") or row.get("display_name") or ""))
    else:
        given = " ".join(part for part in (row.get("first_name"),) if part)
        lines.append(
            "N:"
            + ";".join(
                escape(part or "")
                for part in (row.get("last_name"), given, row.get("middle_name"), row.get("honorific"), None)
            )
        )
        if row.get("preferred_name"):
            lines.append("NICKNAME:" + escape(row["preferred_name"]))
        if row.get("organisation"):
            lines.append("ORG:" + escape(row["organisation"]))
    if row.get("title"):
        lines.append("TITLE:" + escape(row["title"]))
    emails = row.get("emails") or (
        [{"address": row["email"], "kind": "other", "primary": True}] if row.get("email") else []
    )
    for entry in emails:
        lines.append(
            f"EMAIL{_type_param(entry.get('kind'), EMAIL_TYPES, version, entry.get('primary'))}:"
            + escape(entry["address"])
        )
    phones = row.get("phones") or (
        [{"number": row["phone"], "kind": "other", "primary": True}] if row.get("phone") else []
    )
    for entry in phones:
        params = _type_param(entry.get("kind"), PHONE_TYPES, version, entry.get("primary"))
        if version == "4.0":
            params = (
                params.replace(";TYPE=", ";TYPE=voice,")
                if entry.get("kind") not in ("fax",) and ";TYPE=" in params
                else params
            )
            lines.append(f"TEL;VALUE=uri{params}:tel:{entry['number']}")
        else:
            lines.append(f"TEL{params}:{escape(entry['number'])}")
    for entry in row.get("addresses") or []:
        params = _type_param(entry.get("kind"), ADDRESS_TYPES, version, entry.get("primary"))
        parts = [
            "",
            "",
            entry.get("street"),
            entry.get("city"),
            "",
            entry.get("postal_code"),
            entry.get("country"),
        ]
        lines.append(f"ADR{params}:" + ";".join(escape(part or "") for part in parts))
    if row.get("birth_date"):
        lines.append(
            "BDAY:" + (row["birth_date"].replace("-", "") if version == "4.0" else row["birth_date"])
        )
    if row.get("website"):
        lines.append("URL:" + row["website"])
    if row.get("tags"):
        lines.append("CATEGORIES:" + ",".join(escape(tag) for tag in row["tags"]))
    if row.get("language") and version == "4.0":
        lines.append("LANG:" + row["language"])
    lines.append(f"UID:urn:uuid:{row['id']}")
    lines.append("END:VCARD")
    return lines


def card(row, version="4.0"):
    """One contact's vCard as text with CRLF line ends and folded lines."""
    return "".join(fold(line) for line in card_lines(row, version))


@export_format("vcard")
def write(rows, options, out, language):
    for row in rows:
        out.write(card(row, options["version"]).encode("utf-8"))
