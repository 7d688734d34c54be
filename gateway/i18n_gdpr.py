"""Finnish and English words of G3 (access report) and G4 (erasure): pages, PDF, audit actions."""

from gateway.i18n import add_messages

add_messages(
    {
        "fi": {
            "nav.erasures": "Tietojen poistot",
            "gdpr.section": "Tietosuoja",
            "gdpr.access_report": "Tietopyyntö",
            "gdpr.access_intro": (
                "Kaikki tiedot, joita Piiri säilyttää henkilöstä, kaikista palveluista. Lataus kirjataan "
                "lokiin."
            ),
            "gdpr.download_pdf": "Lataa PDF",
            "gdpr.download_json": "Lataa JSON",
            "gdpr.erase": "Poista tiedot pysyvästi",
            "gdpr.erase_intro": "Poistaa henkilön tiedot jokaisesta palvelusta. Toimintoa ei voi perua.",
            "gdpr.confirm_title": "Poista henkilön {name} tiedot pysyvästi",
            "gdpr.confirm_lead": "Tämä tapahtuu, kun vahvistat:",
            "gdpr.will_contact": (
                "Yhteystieto poistetaan kokonaan: nimet, osoitteet, puhelinnumerot, sähköpostit, "
                "muistiinpanot ja lisäkenttien arvot."
            ),
            "gdpr.will_count": "{what}: {count} poistetaan",
            "gdpr.will_links": (
                "Muiden yhteystietojen viittaukset henkilöön ({count}) poistetaan, pariskuntalinkit puretaan."
            ),
            "gdpr.will_merged": (
                "Henkilöön yhdistettyjen vanhojen tunnisteiden ohjaukset ({count}) poistetaan."
            ),
            "gdpr.will_service": (
                "Palvelu {service}: poistaa tai anonymisoi omat tietonsa henkilöstä ja ilmoittaa "
                "valmistumisesta."
            ),
            "gdpr.will_audit": (
                "Tapahtumaloki: tapahtumat säilyvät (mitä tehtiin, milloin, kuka ja henkilön tunniste), "
                "mutta niiden henkilötiedot, kuten hakusanat, poistetaan."
            ),
            "gdpr.will_record": "Poistosta jää merkintä: kuka pyysi, milloin ja miksi.",
            "gdpr.type_name": "Kirjoita vahvistukseksi henkilön nimi: {name}",
            "gdpr.reason": "Peruste (ei henkilötietoja, esim. \u201dhenkilön pyyntö 3.11.2026\u201d)",
            "gdpr.confirm": "Poista pysyvästi",
            "gdpr.cancel": "Peruuta",
            "gdpr.name_mismatch": "Kirjoitettu nimi ei vastaa henkilön nimeä.",
            "gdpr.erasure_title": "Tietojen poisto",
            "gdpr.erasure_intro": (
                "Jokainen palvelu poistaa omat tietonsa ja ilmoittaa valmistumisesta. Palvelu, joka ei ole "
                "käynnissä, poistaa tiedot käynnistyessään."
            ),
            "gdpr.contact_id": "Henkilön tunniste",
            "gdpr.requested_by": "Pyytäjä",
            "gdpr.requested_at": "Pyydetty",
            "gdpr.reason_label": "Peruste",
            "gdpr.status": "Tila",
            "gdpr.status.completed": "Valmis",
            "gdpr.status.pending": "Kesken",
            "gdpr.service": "Palvelu",
            "gdpr.done_at": "Valmistui",
            "gdpr.service_done": "tehty",
            "gdpr.service_pending": "odottaa",
            "gdpr.completed_at": "Valmistui",
            "gdpr.retry": "Yritä uudelleen",
            "gdpr.retried": "Poistopyyntö lähetettiin uudelleen odottaville palveluille.",
            "gdpr.list_title": "Tietojen poistot",
            "gdpr.list_intro": "Oikeus tulla unohdetuksi: pyydetyt poistot ja niiden tila.",
            "gdpr.none": "Ei poistoja.",
            "gdpr.open": "Avaa",
            "gdpr.older": "Vanhemmat",
            "gdpr.part.contact": "Yhteystieto",
            "gdpr.part.details": "Lisätiedot",
            "gdpr.part.person": "Henkilötiedot",
            "gdpr.part.names": "Nimet",
            "gdpr.part.statuses": "Tilat",
            "gdpr.part.memberships": "Jäsenyydet",
            "gdpr.part.groups": "Ryhmät",
            "gdpr.part.custom": "Lisäkentät",
            "gdpr.part.custom_values": "Lisäkenttien arvot",
            "gdpr.part.consents": "Suostumukset",
            "gdpr.part.legal_bases": "Käsittelyperusteet",
            "gdpr.part.affiliations": "Organisaatiot",
            "gdpr.part.automation_runs": "Automaatiot",
            "gdpr.part.import_changes": "Tuontihistoria (tuontien korvaamat arvot)",
            "gdpr.part.couples": "Pariskunta",
            "gdpr.part.merged_ids": "Yhdistetyt tunnisteet",
            "gdpr.part.not_duplicates_of": "Ei kaksoiskappale",
            "gdpr.part.photo": "Valokuva",
            "gdpr.part.events": "Lokitapahtumat",
            "gdpr.part.truncated": "Lyhennetty",
            "gdpr.part.imports": "Tuonnit, joissa henkilö on (tiedosto ja rivit säilytetään rajatun ajan)",
            "gdpr.part.exports": "Viennit, joiden tiedostossa henkilö on",
            "gdpr.pdf.title": "Tietopyyntö: {name}",
            "gdpr.pdf.intro": (
                "Tämä raportti sisältää kaikki tiedot, joita Piiri säilyttää henkilöstä, palveluittain "
                "(EU:n tietosuoja-asetus, 15 artikla). Sama sisältö koneluettavana on JSON-tiedostossa."
            ),
            "gdpr.pdf.person": "Henkilö",
            "gdpr.pdf.contact_id": "Tunniste",
            "gdpr.pdf.generated_at": "Muodostettu",
            "gdpr.pdf.generated_by": "Muodostaja",
            "gdpr.pdf.services": "Palvelut",
            "gdpr.pdf.service": "Palvelu: {service}",
            "gdpr.pdf.nothing": "Ei tietoja.",
            "gdpr.pdf.more_rows": "… ja {count} riviä lisää (kaikki JSON-tiedostossa).",
            "gdpr.pdf.page": "Sivu {page}",
            "action.contact.access_report_exported": "latasi tietopyynnön",
            "action.contact.personal_data_read": "luki tiedot tietopyyntöön",
            "action.contact.erasure_previewed": "avasi poiston vahvistuksen",
            "action.contact.erasure_requested": "pyysi tietojen poistoa",
            "action.contact.erasure_retried": "yritti poistoa uudelleen",
            "action.contact.erasure_service_done": "palvelu poisti tiedot",
            "action.contact.erased": "tiedot poistettu",
            "action.audit.personal_data_read": "luki lokin tietopyyntöön",
        },
        "en": {
            "nav.erasures": "Erasures",
            "gdpr.section": "Data protection",
            "gdpr.access_report": "Access report",
            "gdpr.access_intro": (
                "Everything Piiri holds about this person, from every service. The download is recorded in "
                "the audit log."
            ),
            "gdpr.download_pdf": "Download PDF",
            "gdpr.download_json": "Download JSON",
            "gdpr.erase": "Erase permanently",
            "gdpr.erase_intro": "Erases this person's data in every service. This cannot be undone.",
            "gdpr.confirm_title": "Erase {name} permanently",
            "gdpr.confirm_lead": "This is what happens when you confirm:",
            "gdpr.will_contact": (
                "The contact is deleted completely: names, addresses, phone numbers, e-mails, notes and "
                "custom field values."
            ),
            "gdpr.will_count": "{what}: {count} deleted",
            "gdpr.will_links": (
                "Other contacts' links to this person ({count}) are removed, couples are unlinked."
            ),
            "gdpr.will_merged": "Old ids merged into this person ({count}) stop resolving.",
            "gdpr.will_service": (
                "Service {service}: erases or anonymises its own data about the person and reports back."
            ),
            "gdpr.will_audit": (
                "Audit log: the facts stay (what was done, when, by whom, the person's id), their personal "
                "data such as search words is removed."
            ),
            "gdpr.will_record": "A record of the erasure stays: who asked, when and why.",
            "gdpr.type_name": "To confirm, type the person's name: {name}",
            "gdpr.reason": "Reason (no personal data, e.g. \u201cthe person's request of 3 Nov 2026\u201d)",
            "gdpr.confirm": "Erase permanently",
            "gdpr.cancel": "Cancel",
            "gdpr.name_mismatch": "The name you typed is not the person's name.",
            "gdpr.erasure_title": "Erasure",
            "gdpr.erasure_intro": (
                "Every service erases its own data and reports back. A service that is not running erases "
                "when it starts."
            ),
            "gdpr.contact_id": "Person's id",
            "gdpr.requested_by": "Requested by",
            "gdpr.requested_at": "Requested",
            "gdpr.reason_label": "Reason",
            "gdpr.status": "Status",
            "gdpr.status.completed": "Completed",
            "gdpr.status.pending": "Pending",
            "gdpr.service": "Service",
            "gdpr.done_at": "Done",
            "gdpr.service_done": "done",
            "gdpr.service_pending": "pending",
            "gdpr.completed_at": "Completed",
            "gdpr.retry": "Retry",
            "gdpr.retried": "The erasure request was sent again to the pending services.",
            "gdpr.list_title": "Erasures",
            "gdpr.list_intro": "Right to be forgotten: requested erasures and their status.",
            "gdpr.none": "No erasures.",
            "gdpr.open": "Open",
            "gdpr.older": "Older",
            "gdpr.part.contact": "Contact",
            "gdpr.part.details": "Details",
            "gdpr.part.person": "Person details",
            "gdpr.part.names": "Names",
            "gdpr.part.statuses": "Statuses",
            "gdpr.part.memberships": "Memberships",
            "gdpr.part.groups": "Groups",
            "gdpr.part.custom": "Custom fields",
            "gdpr.part.custom_values": "Custom field values",
            "gdpr.part.consents": "Consents",
            "gdpr.part.legal_bases": "Legal bases",
            "gdpr.part.affiliations": "Organisations",
            "gdpr.part.automation_runs": "Automations",
            "gdpr.part.import_changes": "Import history (values imports overwrote)",
            "gdpr.part.couples": "Couple",
            "gdpr.part.merged_ids": "Merged ids",
            "gdpr.part.not_duplicates_of": "Not a duplicate of",
            "gdpr.part.photo": "Photo",
            "gdpr.part.events": "Audit log events",
            "gdpr.part.truncated": "Truncated",
            "gdpr.part.imports": "Imports the person is in (their file and rows are kept for a limited time)",
            "gdpr.part.exports": "Exports whose file holds the person",
            "gdpr.pdf.title": "Access report: {name}",
            "gdpr.pdf.intro": (
                "This report holds everything Piiri keeps about the person, by service (GDPR, article 15). "
                "The same content, machine-readable, is in the JSON file."
            ),
            "gdpr.pdf.person": "Person",
            "gdpr.pdf.contact_id": "Id",
            "gdpr.pdf.generated_at": "Generated",
            "gdpr.pdf.generated_by": "Generated by",
            "gdpr.pdf.services": "Services",
            "gdpr.pdf.service": "Service: {service}",
            "gdpr.pdf.nothing": "No data.",
            "gdpr.pdf.more_rows": "… and {count} more rows (all of them in the JSON file).",
            "gdpr.pdf.page": "Page {page}",
            "action.contact.access_report_exported": "downloaded an access report",
            "action.contact.personal_data_read": "read the data for an access report",
            "action.contact.erasure_previewed": "opened the erasure confirmation",
            "action.contact.erasure_requested": "requested erasure",
            "action.contact.erasure_retried": "retried erasure",
            "action.contact.erasure_service_done": "a service erased its data",
            "action.contact.erased": "erased",
            "action.audit.personal_data_read": "read the log for an access report",
        },
    }
)
