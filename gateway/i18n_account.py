"""The account pages' words (S1: lock-out, password change and reset, two-factor login) in Finnish and
English, and the gateway's account messages mapped to them."""

import re

from gateway.i18n import add_messages, add_service_messages

add_messages(
    {
        "fi": {
            "login.locked": (
                "Tili on lukittu liian monen epäonnistuneen kirjautumisen vuoksi {until} asti "
                "kirjautumisilta osoitteestasi. Yritä silloin uudelleen tai pyydä pääkäyttäjää "
                "avaamaan lukitus."
            ),
            "login.totp_title": "Kaksivaiheinen kirjautuminen",
            "login.totp_intro": "Kirjoita todennussovelluksesi näyttämä 6-numeroinen koodi.",
            "login.totp_code": "Koodi",
            "login.totp_submit": "Vahvista",
            "login.totp_expired": "Kirjautuminen vanheni. Kirjaudu uudelleen.",
            "login.totp_wrong": "Väärä salasana tai koodi. Kirjaudu uudelleen.",
            "login.totp_cancel": "Peruuta ja kirjaudu uudelleen",
            "acc.nav": "Oma tili",
            "acc.title": "Oma tili",
            "acc.username": "Käyttäjätunnus",
            "acc.role": "Rooli",
            "acc.password_changed_at": "Salasana vaihdettu",
            "acc.password_title": "Vaihda salasana",
            "acc.password_link": "Vaihda salasana",
            "acc.must_change": "Pääkäyttäjä on antanut sinulle väliaikaisen salasanan. Valitse uusi salasana "
            "ennen kuin jatkat.",
            "acc.password_rules": "12–1024 merkkiä, ei käyttäjätunnus, toistoa, aakkosjärjestystä eikä "
            "yleinen salasana. Pitkä lause on hyvä salasana.",
            "acc.current_password": "Nykyinen salasana",
            "acc.new_password": "Uusi salasana",
            "acc.new_password_again": "Uusi salasana uudelleen",
            "acc.change": "Vaihda salasana",
            "acc.done.password_changed": "Salasana on vaihdettu. Muut istuntosi on kirjattu ulos.",
            "acc.done.totp_enabled": "Kaksivaiheinen kirjautuminen on käytössä.",
            "acc.done.totp_disabled": "Kaksivaiheinen kirjautuminen on poistettu käytöstä.",
            "acc.totp_title": "Kaksivaiheinen kirjautuminen",
            "acc.totp_on": "Käytössä: kirjautuessa kysytään salasanan lisäksi todennussovelluksen koodi.",
            "acc.totp_off": "Ei käytössä. Ota käyttöön, niin kirjautuminen vaatii salasanan lisäksi "
            "puhelimesi todennussovelluksen koodin.",
            "acc.totp_enable": "Ota käyttöön",
            "acc.totp_setup_title": "Ota kaksivaiheinen kirjautuminen käyttöön",
            "acc.totp_scan": "1. Lue QR-koodi todennussovelluksella (esim. Google Authenticator, Microsoft "
            "Authenticator, FreeOTP) tai kirjoita avain sovellukseen.",
            "acc.totp_qr_alt": "QR-koodi todennussovellukselle",
            "acc.totp_secret": "Avain",
            "acc.totp_confirm": "2. Kirjoita sovelluksen näyttämä koodi ja vahvista.",
            "acc.totp_code": "Koodi",
            "acc.totp_confirm_button": "Vahvista ja ota käyttöön",
            "acc.totp_disable_title": "Poista kaksivaiheinen kirjautuminen käytöstä",
            "acc.totp_disable_intro": "Vahvista salasanalla ja sovelluksen koodilla.",
            "acc.password": "Salasana",
            "acc.totp_disable": "Poista käytöstä",
            "acc.back": "Takaisin omaan tiliin",
            "acc.err.too_short": "Salasanassa on oltava vähintään {n} merkkiä.",
            "acc.err.is_username": "Salasana ei saa olla käyttäjätunnus.",
            "acc.err.too_long": "Salasanassa saa olla enintään {n} merkkiä.",
            "acc.err.blank": "Salasana ei saa olla pelkkiä välilyöntejä.",
            "acc.err.too_simple": (
                "Salasana on liian yksinkertainen: siinä toistuu sama merkki tai pätkä, tai se seuraa "
                "aakkosia tai näppäimistöä."
            ),
            "acc.err.too_common": "Salasana on yleisimpien salasanojen joukossa. Valitse toinen.",
            "acc.err.mismatch": "Salasanat eivät täsmää.",
            "acc.err.current_wrong": "Nykyinen salasana on väärin.",
            "acc.err.same": "Uuden salasanan on oltava eri kuin nykyinen.",
            "acc.err.password_wrong": "Salasana on väärin.",
            "acc.err.code_format": "Koodissa on 6 numeroa.",
            "acc.err.code_wrong": "Väärä koodi. Kokeile uusinta koodia.",
            "acc.err.code_reused": "Koodi on jo käytetty. Odota seuraavaa koodia ja yritä uudelleen.",
            "acc.err.totp_on": "Kaksivaiheinen kirjautuminen on jo käytössä.",
            "acc.err.totp_off": "Kaksivaiheinen kirjautuminen ei ole käytössä.",
            "acc.err.no_secret": "Avaa käyttöönottosivu ensin.",
            "acc.admin_title": "Kirjautumisen turvallisuus",
            "acc.admin_locked": "Lukittu {until} asti osoitteilta, joista kirjautuminen epäonnistui",
            "acc.admin_not_locked": "Ei lukittu",
            "acc.admin_unlock": "Avaa lukitus",
            "acc.admin_reset_password": "Anna väliaikainen salasana",
            "acc.admin_reset_totp": "Poista kaksivaiheinen kirjautuminen",
            "acc.admin_totp_on": "Kaksivaiheinen kirjautuminen käytössä",
            "acc.admin_must_change": "Salasana on vaihdettava seuraavalla kirjautumisella",
            "acc.temp_title": "Väliaikainen salasana",
            "acc.temp_intro": "Käyttäjän {username} väliaikainen salasana. Se näytetään vain nyt: anna se "
            "käyttäjälle turvallista reittiä. Käyttäjä valitsee uuden salasanan kirjautuessaan. Kaikki "
            "käyttäjän istunnot on kirjattu ulos.",
            "acc.temp_back": "Takaisin",
        },
        "en": {
            "login.locked": (
                "The account is locked after too many failed logins until {until} for logins from your "
                "address. Try again then, or ask an administrator to unlock it."
            ),
            "login.totp_title": "Two-factor login",
            "login.totp_wrong": "Wrong password or code. Log in again.",
            "login.totp_intro": "Type the 6-digit code your authenticator app shows.",
            "login.totp_code": "Code",
            "login.totp_submit": "Verify",
            "login.totp_expired": "The login expired. Please log in again.",
            "login.totp_cancel": "Cancel and log in again",
            "acc.nav": "My account",
            "acc.title": "My account",
            "acc.username": "Username",
            "acc.role": "Role",
            "acc.password_changed_at": "Password changed",
            "acc.password_title": "Change password",
            "acc.password_link": "Change password",
            "acc.must_change": "An administrator gave you a temporary password. Choose a new password before "
            "you continue.",
            "acc.password_rules": "12 to 1,024 characters, not your username, a repetition, a sequence or "
            "a common password. A long sentence makes a good password.",
            "acc.current_password": "Current password",
            "acc.new_password": "New password",
            "acc.new_password_again": "New password again",
            "acc.change": "Change password",
            "acc.done.password_changed": "Your password was changed. Your other sessions were logged out.",
            "acc.done.totp_enabled": "Two-factor login is on.",
            "acc.done.totp_disabled": "Two-factor login is off.",
            "acc.totp_title": "Two-factor login",
            "acc.totp_on": "On: logging in asks for a code from your authenticator app besides the password.",
            "acc.totp_off": "Off. Turn it on and logging in will need a code from the authenticator app on "
            "your phone besides the password.",
            "acc.totp_enable": "Turn on",
            "acc.totp_setup_title": "Turn on two-factor login",
            "acc.totp_scan": "1. Scan the QR code with an authenticator app (e.g. Google Authenticator, "
            "Microsoft Authenticator, FreeOTP) or type the key into it.",
            "acc.totp_qr_alt": "QR code for an authenticator app",
            "acc.totp_secret": "Key",
            "acc.totp_confirm": "2. Type the code the app shows and confirm.",
            "acc.totp_code": "Code",
            "acc.totp_confirm_button": "Confirm and turn on",
            "acc.totp_disable_title": "Turn off two-factor login",
            "acc.totp_disable_intro": "Confirm with your password and a code from the app.",
            "acc.password": "Password",
            "acc.totp_disable": "Turn off",
            "acc.back": "Back to my account",
            "acc.err.too_short": "The password must have at least {n} characters.",
            "acc.err.is_username": "The password must not be the username.",
            "acc.err.too_long": "The password must have at most {n} characters.",
            "acc.err.blank": "The password must not be only spaces.",
            "acc.err.too_simple": (
                "The password is too simple: it repeats one character or piece, or follows the alphabet or "
                "the keyboard."
            ),
            "acc.err.too_common": "The password is one of the most common passwords; choose another.",
            "acc.err.mismatch": "The passwords do not match.",
            "acc.err.current_wrong": "The current password is wrong.",
            "acc.err.same": "The new password must differ from the current one.",
            "acc.err.password_wrong": "The password is wrong.",
            "acc.err.code_format": "The code is 6 digits.",
            "acc.err.code_wrong": "Wrong code. Try the newest one.",
            "acc.err.code_reused": "That code was already used. Wait for the next code and try again.",
            "acc.err.totp_on": "Two-factor login is already on.",
            "acc.err.totp_off": "Two-factor login is not on.",
            "acc.err.no_secret": "Open the set-up page first.",
            "acc.admin_title": "Login security",
            "acc.admin_locked": "Locked until {until} for the addresses whose logins failed",
            "acc.admin_not_locked": "Not locked",
            "acc.admin_unlock": "Unlock",
            "acc.admin_reset_password": "Give a temporary password",
            "acc.admin_reset_totp": "Turn off two-factor login",
            "acc.admin_totp_on": "Two-factor login is on",
            "acc.admin_must_change": "Must change the password at the next login",
            "acc.temp_title": "Temporary password",
            "acc.temp_intro": "The temporary password of {username}. It is shown only now: hand it over "
            "safely. The user chooses a new password when logging in. All their sessions were logged out.",
            "acc.temp_back": "Back",
        },
    }
)

add_service_messages(
    (
        (re.compile(r"^The password must have at least (?P<n>\d+) characters"), "acc.err.too_short"),
        (re.compile(r"^The password must not be the username"), "acc.err.is_username"),
        (re.compile(r"^The password must have at most (?P<n>\d+) characters"), "acc.err.too_long"),
        (re.compile(r"^The password must not be only spaces"), "acc.err.blank"),
        (re.compile(r"^The password is too simple"), "acc.err.too_simple"),
        (re.compile(r"^The password is one of the most common"), "acc.err.too_common"),
        (re.compile(r"^The passwords do not match"), "acc.err.mismatch"),
        (re.compile(r"^The current password is wrong"), "acc.err.current_wrong"),
        (re.compile(r"^The new password must differ"), "acc.err.same"),
        (re.compile(r"^The password is wrong"), "acc.err.password_wrong"),
        (re.compile(r"^The code is 6 digits"), "acc.err.code_format"),
        (re.compile(r"^Wrong code"), "acc.err.code_wrong"),
        (re.compile(r"^That code was already used"), "acc.err.code_reused"),
        (re.compile(r"^Two-factor login is already on|^Already enabled"), "acc.err.totp_on"),
        (re.compile(r"^Two-factor login is not on|^Not enabled"), "acc.err.totp_off"),
        (re.compile(r"^No secret to confirm"), "acc.err.no_secret"),
    )
)
