"""The "mailing flags" column of a flat export (M5 flags everywhere): a contact whose address bounced or
who unsubscribed carries the reason and day in the file too ("Sähköposti palautui 3.12.2026"), as on the
contact list. The contacts service has no such field (the mailing service keeps the flags); the exports
worker asks the mailing service's ``flags_of`` once per page, as the job's actor (an audited read), in
calls of at most FLAGS_OF_MAX contacts, and fills the column. The mailing service not answering fails the job
with a clear message, never a file that silently says no one is flagged."""

from piiri.formatting import format_date
from services.mailing.contract import FLAGS_OF_MAX

COLUMN = "mailing_flags"  # a standard column (contract/rows.py); the UI's field.mailing_flags words
WORDS = {
    "bounced": {"fi": "Sähköposti palautui", "sv": "E-posten studsade", "en": "E-mail bounced"},
    "unsubscribed": {"fi": "Peruutti tilauksen", "sv": "Avslutade prenumerationen", "en": "Unsubscribed"},
}


def wanted(columns):
    return COLUMN in (columns or ())


def cell(flags, language):
    """A contact's flags ([{kind, since, list_id}]) as the cell's text; None when it has none."""
    lang = language if language in ("fi", "sv", "en") else "en"
    words = [
        f"{WORDS.get(flag['kind'], {}).get(lang, flag['kind'])} {format_date(flag['since'], lang)}"
        for flag in flags or ()
    ]
    return "; ".join(words) or None


def add_flags(items, flags_of, language):
    """Fill each row's COLUMN from ``flags_of(ids)`` ({id: [flags]}), asked in calls of FLAGS_OF_MAX ids."""
    ids = [item["id"] for item in items if item.get("id")]
    found = {}
    for start in range(0, len(ids), FLAGS_OF_MAX):
        found.update(flags_of(ids[start : start + FLAGS_OF_MAX]) or {})
    for item in items:
        item[COLUMN] = cell(found.get(item.get("id")), language)
    return items
