"""The e-mail list export (I2): "Name <address>, …" text for pasting into a mail client (email_list), or
a CSV of names and addresses (email_csv).

Leaves out contacts without an e-mail address and deceased contacts. Bounced and unsubscribed addresses
are not known to Piiri yet: the mailing service will add them as an exclusion filter of the selection.
"""

from services.exports.formats import export_format
from services.exports.formats.csv_format import write_csv

SPECIALS = set('()<>[]:;@\\,."')


def mailbox(name, address):
    """RFC 5322 'Name <address>', the name quoted when it holds special characters."""
    if not name:
        return address
    if any(char in SPECIALS for char in name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def addresses(row, every):
    if row.get("deceased_on"):
        return []
    if every:
        found = [entry["address"] for entry in row.get("emails") or [] if entry.get("address")]
        if row.get("email") and row["email"] not in found:
            found.insert(0, row["email"])
        return found
    return [row["email"]] if row.get("email") else []


class Skipped:
    """What an e-mail list left out: the deceased, contacts without an address, addresses already listed."""

    def __init__(self):
        self.deceased = 0
        self.no_email = 0
        self.duplicate_address = 0

    def notes(self):
        counts = {
            "skipped_deceased": self.deceased,
            "skipped_no_email": self.no_email,
            "skipped_duplicate_address": self.duplicate_address,
        }
        return {key: value for key, value in counts.items() if value}


def entries(rows, every, skipped=None):
    skipped = skipped or Skipped()
    seen = set()
    for row in rows:
        found = addresses(row, every)
        if row.get("deceased_on"):
            skipped.deceased += 1
        elif not found:
            skipped.no_email += 1
        for address in found:
            if address.lower() in seen:
                skipped.duplicate_address += 1
                continue
            seen.add(address.lower())
            yield row["display_name"], address


@export_format("email_list")
def write(rows, options, out, language):
    written, skipped = 0, Skipped()
    for name, address in entries(rows, options["all_addresses"], skipped):
        out.write(((", " if written else "") + mailbox(name, address)).encode("utf-8"))
        written += 1
    out.write(b"\n")
    return {"rows_written": written, "notes": skipped.notes()}


@export_format("email_csv")
def write_csv_list(rows, options, out, language):
    header = {"fi": ["Nimi", "Sähköposti"], "sv": ["Namn", "E-post"]}.get(language, ["Name", "E-mail"])
    written, skipped = 0, Skipped()

    def records():
        nonlocal written
        for name, address in entries(rows, options["all_addresses"], skipped):
            written += 1
            yield [name, address]

    write_csv(out, header, records(), options["separator"])
    return {"rows_written": written, "notes": skipped.notes()}
