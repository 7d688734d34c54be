"""Finnish and English words of G3 (access report) and G4 (erasure): pages and audit actions; the names of
the report's parts and the PDF's texts are the contacts service's (its access-report contract)."""

from gateway.i18n import add_messages
from services.contacts.access_report.contract import WORDS as ACCESS_REPORT_WORDS

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

add_messages(ACCESS_REPORT_WORDS)  # the parts' names, shown on the erasure page too
