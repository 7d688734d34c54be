"""The web UI's words for duplicates, comparison and merge (C11) in Finnish and English."""

import re

from gateway.i18n import add_messages, add_service_messages

add_messages(
    {
        "fi": {
            "nav.duplicates": "Kaksoiskappaleet",
            "merge.title": "Mahdolliset kaksoiskappaleet",
            "merge.list_intro": (
                "Automaattisesti löydetyt yhteystietoparit, jotka voivat olla sama henkilö tai yhteisö."
            ),
            "merge.none": "Ei mahdollisia kaksoiskappaleita.",
            "merge.scan": "Etsi nyt",
            "merge.score": "Pisteet",
            "merge.reasons": "Perusteet",
            "merge.pair": "Yhteystiedot",
            "merge.compare": "Vertaa",
            "merge.dismiss": "Ei kaksoiskappale",
            "merge.more": "Lisää",
            "merge.reason.same_email": "sama sähköposti",
            "merge.reason.same_phone": "sama puhelin",
            "merge.reason.same_name_and_birth_date": "sama nimi ja syntymäaika",
            "merge.reason.similar_name": "samankaltainen nimi",
            "merge.reason.same_address": "sama osoite",
            "merge.reason.different_birth_date": "eri syntymäaika",
            "merge.compare_title": "Yhteystietojen vertailu",
            "merge.compare_intro": (
                "Eroavat kentät on korostettu. Valitse jokaiselle kentälle säilytettävä arvo."
            ),
            "merge.field": "Kenttä",
            "merge.survivor": "Säilyvä yhteystieto",
            "merge.groups": "Ryhmät",
            "merge.alt_names": "Vaihtoehtoiset nimet",
            "merge.merge": "Yhdistä",
            "merge.confirm_title": "Vahvista yhdistäminen",
            "merge.confirm_intro": "Yhteystiedot yhdistetään yhteystietoon {name}. Yhdistettävät poistetaan:",
            "merge.confirm_links": (
                "Ryhmäjäsenyydet, vaihtoehtoiset nimet, tilat ja lisätiedot siirtyvät säilyvälle "
                "yhteystiedolle, "
                "ja poistettujen osoitteet (tunnisteet) ohjautuvat siihen. Yhdistämistä ei voi perua."
            ),
            "merge.changes": "Säilyvän yhteystiedon muuttuvat kentät",
            "merge.no_changes": "Kentät eivät muutu.",
            "merge.confirm": "Yhdistä lopullisesti",
            "merge.cancel": "Peruuta",
            "merge.errors": "Yhdistäminen ei onnistunut:",
            "merge.empty": "(tyhjä)",
            "merge.redirected": "Yhteystieto on yhdistetty tähän yhteystietoon.",
            "merge.select_compare": "Vertaa valittuja",
            "merge.err.itself": "Yhteystietoa ei voi yhdistää itseensä.",
            "merge.err.couples": "Molemmat kuuluvat pariin jonkun muun kanssa; pura toinen pari ensin.",
            "merge.err.choice": "Valitun arvon pitää olla jonkin yhdistettävän yhteystiedon.",
            "action.contact.merged": "yhdisti",
            "action.contact.compared": "vertasi",
            "action.contact.duplicates_listed": "näki kaksoiskappaleissa",
            "action.contact.duplicate_dismissed": "merkitsi ei-kaksoiskappaleeksi",
        },
        "en": {
            "nav.duplicates": "Duplicates",
            "merge.title": "Possible duplicates",
            "merge.list_intro": (
                "Pairs of contacts found automatically that may be the same person or organisation."
            ),
            "merge.none": "No possible duplicates.",
            "merge.scan": "Search now",
            "merge.score": "Score",
            "merge.reasons": "Reasons",
            "merge.pair": "Contacts",
            "merge.compare": "Compare",
            "merge.dismiss": "Not a duplicate",
            "merge.more": "More",
            "merge.reason.same_email": "same e-mail",
            "merge.reason.same_phone": "same phone",
            "merge.reason.same_name_and_birth_date": "same name and birth date",
            "merge.reason.similar_name": "similar name",
            "merge.reason.same_address": "same address",
            "merge.reason.different_birth_date": "different birth date",
            "merge.compare_title": "Compare contacts",
            "merge.compare_intro": (
                "Differing fields are highlighted. Choose the value to keep for each field."
            ),
            "merge.field": "Field",
            "merge.survivor": "Contact to keep",
            "merge.groups": "Groups",
            "merge.alt_names": "Alternative names",
            "merge.merge": "Merge",
            "merge.confirm_title": "Confirm the merge",
            "merge.confirm_intro": "The contacts are merged into {name}. These are deleted:",
            "merge.confirm_links": (
                "Group memberships, alternative names, statuses and custom values move to the contact kept, "
                "and the deleted contacts' addresses (ids) lead to it. A merge cannot be undone."
            ),
            "merge.changes": "Fields of the contact kept that change",
            "merge.no_changes": "No field changes.",
            "merge.confirm": "Merge for good",
            "merge.cancel": "Cancel",
            "merge.errors": "The merge failed:",
            "merge.empty": "(empty)",
            "merge.redirected": "A contact was merged into this one.",
            "merge.select_compare": "Compare selected",
            "merge.err.itself": "A contact cannot be merged with itself.",
            "merge.err.couples": "Both are in a couple with someone else; unlink one of the couples first.",
            "merge.err.choice": "A chosen value must come from one of the contacts being merged.",
            "action.contact.merged": "merged",
            "action.contact.compared": "compared",
            "action.contact.duplicates_listed": "saw among duplicates",
            "action.contact.duplicate_dismissed": "marked as not a duplicate",
        },
    }
)

add_service_messages(
    (
        (re.compile(r"^A contact cannot be merged with itself"), "merge.err.itself"),
        (re.compile(r"^Both contacts are in a couple"), "merge.err.couples"),
        (re.compile(r"^Must be one of the contacts being merged"), "merge.err.choice"),
    )
)
