"""The web UI's words in Finnish (the default) and English, and the mapping of service messages to them."""

import re
from collections.abc import Mapping

from piiri.errors import is_code

LANGUAGES = ("fi", "en")
DEFAULT_LANGUAGE = "fi"
LANGUAGE_COOKIE = "piiri_lang"

MESSAGES = {
    "fi": {
        "app.name": "Piiri",
        "app.tagline": "Jäsen- ja yhteystietorekisteri",
        "nav.contacts": "Yhteystiedot",
        "nav.logout": "Kirjaudu ulos",
        "nav.language": "Kieli",
        "nav.skip": "Siirry sisältöön",
        "lang.fi": "Suomeksi",
        "lang.en": "In English",
        "login.title": "Kirjaudu sisään",
        "login.username": "Käyttäjätunnus",
        "login.password": "Salasana",
        "login.submit": "Kirjaudu",
        "login.wrong": "Väärä käyttäjätunnus tai salasana.",
        "login.throttled": (
            "Liian monta epäonnistunutta kirjautumista. Odota {minutes} minuuttia ja yritä uudelleen."
        ),
        "login.expired_form": "Kirjautumislomake vanheni. Yritä uudelleen.",
        "flash.logged_out": "Olet kirjautunut ulos.",
        "flash.created": "Yhteystieto on luotu.",
        "flash.updated": "Muutokset on tallennettu.",
        "flash.deleted": "Yhteystieto on poistettu.",
        "contacts.title": "Yhteystiedot",
        "contacts.search": "Hae nimellä, sähköpostilla tai puhelinnumerolla",
        "contacts.search_button": "Hae",
        "contacts.clear": "Tyhjennä haku",
        "contacts.new": "Uusi yhteystieto",
        "contacts.fuzzy": "Tarkkoja osumia ei löytynyt, näytetään lähimmät.",
        "contacts.none": "Yhteystietoja ei löytynyt.",
        "contacts.next": "Seuraava sivu",
        "contacts.first": "Ensimmäinen sivu",
        "col.name": "Nimi",
        "col.email": "Sähköposti",
        "col.phone": "Puhelin",
        "col.city": "Paikkakunta",
        "col.birth_date": "Syntymäaika",
        "contact.edit": "Muokkaa",
        "contact.delete": "Poista",
        "contact.back": "Takaisin yhteystietoihin",
        "contact.details": "Tiedot",
        "contact.empty": "–",
        "contact.created_at": "Luotu",
        "contact.updated_at": "Muokattu",
        "form.new_title": "Uusi yhteystieto",
        "form.edit_title": "Muokkaa: {name}",
        "form.save": "Tallenna",
        "form.cancel": "Peruuta",
        "form.has_errors": "Tarkista merkityt kentät.",
        "form.person_group": "Henkilö tai yhteisö",
        "form.contact_group": "Yhteystiedot",
        "form.address_group": "Osoitteet",
        "form.other_group": "Muut tiedot",
        "delete.title": "Poistetaanko {name}?",
        "delete.warning": "Yhteystieto poistetaan pysyvästi. Lokitiedot sen käsittelystä säilyvät.",
        "delete.confirm": "Poista pysyvästi",
        "delete.cancel": "Peruuta",
        "field.kind": "Tyyppi",
        "field.first_name": "Etunimi",
        "field.preferred_name": "Kutsumanimi",
        "field.last_name": "Sukunimi",
        "field.organisation_name": "Yhteisön nimi",
        "field.email": "Sähköposti",
        "field.phone": "Puhelin",
        "field.street": "Katuosoite",
        "field.postal_code": "Postinumero",
        "field.city": "Paikkakunta",
        "field.country": "Maa",
        "form.country_hint": "Kaksikirjaiminen maakoodi, esim. FI tai SE.",
        "field.birth_date": "Syntymäaika",
        "field.language": "Asiointikieli",
        "field.notes": "Lisätiedot",
        "kind.person": "Henkilö",
        "kind.organisation": "Yhteisö",
        "language.fi": "suomi",
        "language.sv": "ruotsi",
        "language.en": "englanti",
        "language.ru": "venäjä",
        "language.et": "viro",
        "language.de": "saksa",
        "language.fr": "ranska",
        "language.es": "espanja",
        "language.uk": "ukraina",
        "language.so": "somali",
        "language.ar": "arabia",
        "audit.title": "Käsittelyloki",
        "audit.intro": "Kuka on katsellut tai muuttanut tätä yhteystietoa ja milloin.",
        "audit.when": "Milloin",
        "audit.who": "Kuka",
        "audit.what": "Mitä",
        "audit.none": "Ei kirjattuja tapahtumia.",
        "audit.unavailable": "Käsittelylokia ei juuri nyt saatu näytettyä.",
        "audit.older": "Vanhemmat tapahtumat",
        "audit.fields": "kentät: {fields}",
        "audit.query": "haku: {query}",
        "action.contact.viewed": "katseli",
        "action.contact.listed": "näki listassa",
        "action.contact.counted": "laski yhteystiedot",
        "action.contact.created": "loi",
        "action.contact.updated": "muutti",
        "action.contact.deleted": "poisti",
        "action.audit.subject_viewed": "katseli lokia",
        "error.title": "Virhe",
        "error.400": "Pyyntö ei kelpaa.",
        "error.403": "Sinulla ei ole oikeutta tähän toimintoon.",
        "error.404": "Hakemaasi yhteystietoa tai sivua ei löytynyt.",
        "error.409": "Tieto muuttui samaan aikaan. Lataa sivu uudelleen ja yritä uudelleen.",
        "error.503": "Palvelu ei juuri nyt vastaa. Yritä hetken kuluttua uudelleen.",
        "error.500": "Jotain meni vikaan. Virhe on kirjattu (tunniste {incident}).",
        "error.csrf": (
            "Lomake vanheni tai se lähetettiin muualta. Palaa edelliselle sivulle ja yritä uudelleen."
        ),
        "error.back": "Takaisin etusivulle",
        "err.email": "Sähköpostiosoite ei kelpaa.",
        "err.phone": "Tämä ei ole puhelinnumero.",
        "err.phone_country": "Puhelinnumero ei kelpaa maansa numeroksi.",
        "err.birth_date_range": "Syntymäajan pitää olla 1.1.1880 ja tämän päivän väliltä.",
        "err.date": "Päivämäärä ei kelpaa (muoto vvvv-kk-pp).",
        "err.org_name": "Yhteisöllä pitää olla nimi.",
        "err.person_name": "Henkilöllä pitää olla etu- tai sukunimi.",
        "err.postal_code": "Suomalaisessa postinumerossa on viisi numeroa.",
        "err.too_long": "Liian pitkä (enintään {max} merkkiä).",
        "err.choice": "Valitse jokin annetuista vaihtoehdoista.",
        "err.required": "Pakollinen tieto.",
        "err.country": "Anna maa kahden kirjaimen koodina, esim. FI.",
    },
    "en": {
        "app.name": "Piiri",
        "app.tagline": "Member and contact registry",
        "nav.contacts": "Contacts",
        "nav.logout": "Log out",
        "nav.language": "Language",
        "nav.skip": "Skip to content",
        "lang.fi": "Suomeksi",
        "lang.en": "In English",
        "login.title": "Log in",
        "login.username": "Username",
        "login.password": "Password",
        "login.submit": "Log in",
        "login.wrong": "Wrong username or password.",
        "login.throttled": "Too many failed logins. Wait {minutes} minutes and try again.",
        "login.expired_form": "The login form expired. Please try again.",
        "flash.logged_out": "You have logged out.",
        "flash.created": "The contact was created.",
        "flash.updated": "Your changes were saved.",
        "flash.deleted": "The contact was deleted.",
        "contacts.title": "Contacts",
        "contacts.search": "Search by name, e-mail or phone number",
        "contacts.search_button": "Search",
        "contacts.clear": "Clear search",
        "contacts.new": "New contact",
        "contacts.fuzzy": "No exact matches were found; showing the closest ones.",
        "contacts.none": "No contacts found.",
        "contacts.next": "Next page",
        "contacts.first": "First page",
        "col.name": "Name",
        "col.email": "E-mail",
        "col.phone": "Phone",
        "col.city": "City",
        "col.birth_date": "Date of birth",
        "contact.edit": "Edit",
        "contact.delete": "Delete",
        "contact.back": "Back to contacts",
        "contact.details": "Details",
        "contact.empty": "–",
        "contact.created_at": "Created",
        "contact.updated_at": "Modified",
        "form.new_title": "New contact",
        "form.edit_title": "Edit: {name}",
        "form.save": "Save",
        "form.cancel": "Cancel",
        "form.has_errors": "Please check the marked fields.",
        "form.person_group": "Person or organisation",
        "form.contact_group": "Contact details",
        "form.address_group": "Addresses",
        "form.other_group": "Other details",
        "delete.title": "Delete {name}?",
        "delete.warning": "The contact will be deleted permanently. The log of how it was handled is kept.",
        "delete.confirm": "Delete permanently",
        "delete.cancel": "Cancel",
        "field.kind": "Type",
        "field.first_name": "First name",
        "field.preferred_name": "Preferred name",
        "field.last_name": "Last name",
        "field.organisation_name": "Organisation name",
        "field.email": "E-mail",
        "field.phone": "Phone",
        "field.street": "Street address",
        "field.postal_code": "Postal code",
        "field.city": "City",
        "field.country": "Country",
        "form.country_hint": "Two-letter country code, e.g. FI or SE.",
        "field.birth_date": "Date of birth",
        "field.language": "Preferred language",
        "field.notes": "Notes",
        "kind.person": "Person",
        "kind.organisation": "Organisation",
        "language.fi": "Finnish",
        "language.sv": "Swedish",
        "language.en": "English",
        "language.ru": "Russian",
        "language.et": "Estonian",
        "language.de": "German",
        "language.fr": "French",
        "language.es": "Spanish",
        "language.uk": "Ukrainian",
        "language.so": "Somali",
        "language.ar": "Arabic",
        "audit.title": "Access log",
        "audit.intro": "Who has viewed or changed this contact, and when.",
        "audit.when": "When",
        "audit.who": "Who",
        "audit.what": "What",
        "audit.none": "No recorded events.",
        "audit.unavailable": "The access log could not be shown right now.",
        "audit.older": "Older events",
        "audit.fields": "fields: {fields}",
        "audit.query": "search: {query}",
        "action.contact.viewed": "viewed",
        "action.contact.listed": "saw in a list",
        "action.contact.counted": "counted contacts",
        "action.contact.created": "created",
        "action.contact.updated": "changed",
        "action.contact.deleted": "deleted",
        "action.audit.subject_viewed": "viewed the log",
        "error.title": "Error",
        "error.400": "The request is not valid.",
        "error.403": "You do not have permission to do this.",
        "error.404": "The contact or page you were looking for was not found.",
        "error.409": "The data changed at the same time. Reload the page and try again.",
        "error.503": "The service is not answering right now. Please try again in a moment.",
        "error.500": "Something went wrong. The error was logged (incident {incident}).",
        "error.csrf": "The form expired or was sent from elsewhere. Go back and try again.",
        "error.back": "Back to the front page",
        "err.email": "Not a valid e-mail address.",
        "err.phone": "This is not a phone number.",
        "err.phone_country": "Not a valid phone number for its country.",
        "err.birth_date_range": "The date of birth must be between 1 Jan 1880 and today.",
        "err.date": "Not a valid date (format yyyy-mm-dd).",
        "err.org_name": "An organisation needs a name.",
        "err.person_name": "A person needs a first or a last name.",
        "err.postal_code": "A Finnish postal code has five digits.",
        "err.too_long": "Too long (at most {max} characters).",
        "err.choice": "Choose one of the given options.",
        "err.required": "Required.",
        "err.country": "Give the country as a two-letter code, e.g. FI.",
    },
}

# Messages the services send (in English) -> the key that says the same in the user's language.
SERVICE_MESSAGES = (
    (re.compile(r"^Not a valid e-mail address"), "err.email"),
    (re.compile(r"^Not a phone number"), "err.phone"),
    (re.compile(r"^Not a valid phone number"), "err.phone_country"),
    (re.compile(r"^Birth date must be between"), "err.birth_date_range"),
    (re.compile(r"^Not a valid date"), "err.date"),
    (re.compile(r"^An organisation needs a name"), "err.org_name"),
    (re.compile(r"^A person needs a first or a last name"), "err.person_name"),
    (re.compile(r"^A Finnish postal code"), "err.postal_code"),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)"), "err.too_long"),
    (re.compile(r"^Must be one of"), "err.choice"),
    (re.compile(r"^(Field may not be null|Missing data for required field)"), "err.required"),
    (re.compile(r"^String does not match expected pattern"), "err.country"),
)


def add_messages(messages):
    """A feature's words: ``{"fi": {...}, "en": {...}}`` with the same keys, none already taken."""
    if set(messages) != set(LANGUAGES) or set(messages["fi"]) != set(messages["en"]):
        raise ValueError("feature messages need the same keys in every language")
    taken = set(messages["fi"]) & set(MESSAGES["fi"])
    if taken:
        raise ValueError(f"message keys defined twice: {sorted(taken)}")
    for language in LANGUAGES:
        MESSAGES[language].update(messages[language])


def add_service_messages(pairs):
    """A feature's ``((compiled pattern, message key), ...)`` for its services' English messages."""
    global SERVICE_MESSAGES
    SERVICE_MESSAGES = (*SERVICE_MESSAGES, *pairs)


def pick_language(value):
    """The language to use for a cookie value: a supported code, otherwise the default."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def request_language(request, default=DEFAULT_LANGUAGE):
    """The language of a request: the user's choice (the language cookie), else the best of the
    browser's Accept-Language that Piiri speaks, else ``default``."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or default


class Translator:
    """``t = Translator("en"); t("login.title")``; a missing key shows as itself, never as an error."""

    def __init__(self, language):
        self.language = pick_language(language)
        self.messages = MESSAGES[self.language]

    def __call__(self, key, **values):
        text = self.messages.get(key)
        if text is None:
            return key
        return text.format(**values) if values else text

    def has(self, key):
        return key in self.messages

    def service_message(self, message, params=None):
        """A service's message in the user's language: a code (``contact.email_invalid``, piiri.errors)
        or a ``{"code": ..., "params": {...}}`` entry through the catalogs; an older service's English
        sentence through SERVICE_MESSAGES; anything unknown as sent."""
        if isinstance(message, Mapping) and "code" in message:
            message, params = message["code"], message.get("params")
        message = str(message)
        if is_code(message):
            return self(message, **(params or {})) if self.has(message) else message
        for pattern, key in SERVICE_MESSAGES:
            match = pattern.match(message)
            if match:
                return self(key, **match.groupdict())
        return message

    def action(self, action):
        key = f"action.{action}"
        return self(key) if self.has(key) else action
