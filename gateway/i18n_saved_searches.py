"""The saved searches feature's words (C4) in Finnish and English, and result counts in each language."""

import re

from gateway.i18n import add_messages, add_service_messages

NARROW_NBSP = "\u202f"  # Finnish thousands separator: 1 234

add_messages(
    {
        "fi": {
            "nav.saved_searches": "Tallennetut haut",
            "ss.title": "Tallennetut haut",
            "ss.count_one": "1 osuma",
            "ss.count": "{n} osumaa",
            "ss.count_more": "yli {n} osumaa",
            "ss.save": "Tallenna haku",
            "ss.name": "Nimi",
            "ss.share": "jaa kaikille",
            "ss.save_submit": "Tallenna",
            "ss.open": "Avaa",
            "ss.choose": "Avaa tallennettu haku",
            "ss.none": "Tallennettuja hakuja ei ole vielä. Tallenna haku yhteystietoluettelosta.",
            "ss.col_name": "Haku",
            "ss.col_search": "Hakuehdot",
            "ss.col_owner": "Omistaja",
            "ss.col_shared": "Jaettu",
            "ss.shared": "jaettu kaikille",
            "ss.private": "vain minulle",
            "ss.you": "sinä",
            "ss.everything": "kaikki yhteystiedot",
            "ss.rename": "Nimeä uudelleen",
            "ss.make_shared": "Jaa kaikille",
            "ss.make_private": "Lopeta jakaminen",
            "ss.delete": "Poista",
            "ss.delete_title": "Poistetaanko tallennettu haku {name}?",
            "ss.delete_warning": "Haku poistuu myös muilta, joille se on jaettu. Yhteystiedot eivät muutu.",
            "ss.delete_confirm": "Poista haku",
            "ss.cancel": "Peruuta",
            "ss.notice.created": "Haku on tallennettu.",
            "ss.notice.changed": "Muutos on tallennettu.",
            "ss.notice.deleted": "Tallennettu haku on poistettu.",
            "ss.not_saved": "Hakua ei tallennettu:",
            "ss.err.name_taken": "Sinulla on jo tämänniminen tallennettu haku.",
            "ss.err.name_required": "Anna haulle nimi.",
        },
        "en": {
            "nav.saved_searches": "Saved searches",
            "ss.title": "Saved searches",
            "ss.count_one": "1 result",
            "ss.count": "{n} results",
            "ss.count_more": "more than {n} results",
            "ss.save": "Save search",
            "ss.name": "Name",
            "ss.share": "share with everyone",
            "ss.save_submit": "Save",
            "ss.open": "Open",
            "ss.choose": "Open a saved search",
            "ss.none": "No saved searches yet. Save one from the contact list.",
            "ss.col_name": "Search",
            "ss.col_search": "Criteria",
            "ss.col_owner": "Owner",
            "ss.col_shared": "Shared",
            "ss.shared": "shared with everyone",
            "ss.private": "only me",
            "ss.you": "you",
            "ss.everything": "all contacts",
            "ss.rename": "Rename",
            "ss.make_shared": "Share with everyone",
            "ss.make_private": "Stop sharing",
            "ss.delete": "Delete",
            "ss.delete_title": "Delete the saved search {name}?",
            "ss.delete_warning": "It is gone for everyone it is shared with, too. No contact changes.",
            "ss.delete_confirm": "Delete search",
            "ss.cancel": "Cancel",
            "ss.notice.created": "The search was saved.",
            "ss.notice.changed": "The change was saved.",
            "ss.notice.deleted": "The saved search was deleted.",
            "ss.not_saved": "The search was not saved:",
            "ss.err.name_taken": "You already have a saved search of this name.",
            "ss.err.name_required": "Give the search a name.",
        },
    }
)


def format_number(n, language):
    """12345 -> '12 345' (narrow no-break space) in Finnish, '12,345' in English."""
    grouped = f"{int(n):,}"
    return grouped.replace(",", NARROW_NBSP) if language == "fi" else grouped


def count_text(t, count):
    """A ContactCount as words: '1 234 osumaa', 'yli 10 000 osumaa', '1 result'."""
    if not count["exact"]:
        return t("ss.count_more", n=format_number(count["count"] - 1, t.language))
    if count["count"] == 1:
        return t("ss.count_one")
    return t("ss.count", n=format_number(count["count"], t.language))


add_service_messages(
    (
        (re.compile(r"^A saved search of this name already exists"), "ss.err.name_taken"),
        (re.compile(r"^A name is required"), "ss.err.name_required"),
    )
)
