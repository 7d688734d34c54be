"""The web UI's words for the audit log pages (G2) and the hash chain's status (S2), Finnish and English."""

from gateway.i18n import add_messages

add_messages(
    {
        "fi": {
            "nav.audit": "Tapahtumaloki",
            "auditlog.title": "Tapahtumaloki",
            "auditlog.intro": (
                "Kaikki henkilötietojen katselut, muutokset, tuonnit ja viennit. Myös tämän lokin "
                "selaaminen ja lataaminen kirjataan."
            ),
            "auditlog.filters": "Rajaa",
            "auditlog.actor": "Käyttäjä (tunnus tai id)",
            "auditlog.action": "Toiminto",
            "auditlog.service": "Palvelu",
            "auditlog.subject_type": "Kohteen tyyppi",
            "auditlog.subject_id": "Kohteen id",
            "auditlog.since": "Alkaen",
            "auditlog.until": "Päättyen",
            "auditlog.request_id": "Pyynnön id",
            "auditlog.search": "Hae",
            "auditlog.clear": "Tyhjennä",
            "auditlog.csv": "Lataa CSV",
            "auditlog.when": "Milloin",
            "auditlog.who": "Kuka",
            "auditlog.what": "Toiminto",
            "auditlog.subject": "Kohde",
            "auditlog.fields": "Kentät",
            "auditlog.none": "Ei tapahtumia näillä rajauksilla.",
            "auditlog.older": "Vanhemmat",
            "auditlog.newest": "Uusimmat",
            "auditlog.errors": "Rajauksia ei voitu käyttää:",
            "auditlog.user_title": "Käyttäjän {name} toimet",
            "auditlog.user_intro": "Mitä tämä käyttäjä (tai järjestelmä) on tehnyt, uusin ensin.",
            "auditlog.person_title": "Yhteystiedon käsittelyhistoria",
            "auditlog.person_intro": (
                "Kuka on katsellut, muuttanut, vienyt, tuonut, yhdistänyt tai poistanut tämän yhteystiedon "
                "tietoja ja milloin."
            ),
            "auditlog.open_contact": "Avaa yhteystieto",
            "auditlog.full_trail": "Koko käsittelyhistoria",
            "auditlog.back": "Tapahtumaloki",
            "auditlog.chain": "Lokin eheys",
            "auditlog.chain_intro": (
                "Jokainen kirjaus on ketjutettu edelliseen tiivisteellä, joten muutettu, poistettu tai "
                "siirretty kirjaus näkyy tarkistuksessa."
            ),
            "auditlog.chain_check": "Tarkista ketju",
            "auditlog.chain_intact": "Ketju on ehjä: {records} kirjausta tarkistettu ({seconds} s).",
            "auditlog.chain_broken": "Ketju EI ole ehjä: {problems} ongelmaa {records} kirjauksessa.",
            "auditlog.kind.altered": "muutettu",
            "auditlog.kind.removed": "poistettu",
            "auditlog.kind.reordered": "järjestys muutettu",
            "auditlog.kind.truncated": "lopusta poistettu",
            "auditlog.kind.checkpoint": "ristiriita tarkistuspisteen kanssa",
            "action.audit.searched": "haki tapahtumalokista",
            "action.audit.exported": "latasi tapahtumalokin",
            "action.audit.actor_viewed": "katseli käyttäjän tapahtumia",
            "action.audit.chain_verified": "tarkisti lokin eheyden",
        },
        "en": {
            "nav.audit": "Audit log",
            "auditlog.title": "Audit log",
            "auditlog.intro": (
                "Every view, change, import and export of personal data. Browsing and downloading this log "
                "is recorded too."
            ),
            "auditlog.filters": "Filter",
            "auditlog.actor": "User (username or id)",
            "auditlog.action": "Action",
            "auditlog.service": "Service",
            "auditlog.subject_type": "Subject type",
            "auditlog.subject_id": "Subject id",
            "auditlog.since": "From",
            "auditlog.until": "To",
            "auditlog.request_id": "Request id",
            "auditlog.search": "Search",
            "auditlog.clear": "Clear",
            "auditlog.csv": "Download CSV",
            "auditlog.when": "When",
            "auditlog.who": "Who",
            "auditlog.what": "Action",
            "auditlog.subject": "Subject",
            "auditlog.fields": "Fields",
            "auditlog.none": "No events with these filters.",
            "auditlog.older": "Older",
            "auditlog.newest": "Newest",
            "auditlog.errors": "The filters could not be used:",
            "auditlog.user_title": "What {name} did",
            "auditlog.user_intro": "What this user (or system) has done, newest first.",
            "auditlog.person_title": "History of a contact's data",
            "auditlog.person_intro": (
                "Who has viewed, changed, exported, imported, merged or erased this contact's data, and when."
            ),
            "auditlog.open_contact": "Open the contact",
            "auditlog.full_trail": "Full history",
            "auditlog.back": "Audit log",
            "auditlog.chain": "Log integrity",
            "auditlog.chain_intro": (
                "Each record is chained to the one before by a hash, so an altered, removed or reordered "
                "record shows in the check."
            ),
            "auditlog.chain_check": "Check the chain",
            "auditlog.chain_intact": "The chain is intact: {records} records checked ({seconds} s).",
            "auditlog.chain_broken": "The chain is NOT intact: {problems} problems in {records} records.",
            "auditlog.kind.altered": "altered",
            "auditlog.kind.removed": "removed",
            "auditlog.kind.reordered": "reordered",
            "auditlog.kind.truncated": "removed from the end",
            "auditlog.kind.checkpoint": "contradicts a checkpoint",
            "action.audit.searched": "searched the audit log",
            "action.audit.exported": "downloaded the audit log",
            "action.audit.actor_viewed": "viewed a user's events",
            "action.audit.chain_verified": "checked the log's integrity",
        },
    }
)
