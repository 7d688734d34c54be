"""S1 unit tests of the account pages' helpers: where a login goes next, the lock message, the words."""

import re
from datetime import UTC, datetime
from pathlib import Path

from gateway.account.web import after_login_path, form_errors, locked_message
from gateway.i18n import Translator, messages
from piiri.errors import AccountLocked, coded

TEMPLATES = Path(__file__).resolve().parents[1] / "account" / "templates" / "account"
KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def test_s1_after_the_password_a_login_goes_to_the_code_the_forced_change_or_next():
    plain = {"totp_secret": None, "totp_enabled_at": None, "must_change_password": False}
    two_factor = {**plain, "totp_secret": "JBSWY3DPEHPK3PXP", "totp_enabled_at": datetime.now(UTC)}
    assert after_login_path(plain, "/groups?x=1") == "/groups?x=1"
    assert after_login_path(plain, "//evil.example") == "/dashboard"  # the landing page (issue 13 item 2)
    assert after_login_path(two_factor, None) == "/login/totp"
    assert after_login_path(two_factor, "/groups") == "/login/totp?next=%2Fgroups"
    assert after_login_path({**plain, "must_change_password": True}, "/groups") == "/account/password"


def test_s1_the_lock_message_says_until_when_in_local_time():
    error = AccountLocked("locked", {"locked_until": "2026-03-05T12:15:00+00:00"})
    key, values = locked_message(error, "fi")
    text = Translator("fi")(key, **values)
    assert text.startswith("Tili on lukittu") and "5.3.2026 klo 14.15 asti" in text
    key, values = locked_message(error, "en")
    assert "until 2026-03-05 14:15 for logins from your address." in Translator("en")(key, **values)


def test_s1_password_errors_are_translated_by_field():
    errors = form_errors(
        {
            "new_password": [
                coded("acc.err.too_short", n=12),
                "acc.err.is_username",
            ],
            "current_password": ["acc.err.current_wrong"],
        },
        Translator("fi"),
    )
    assert errors == {
        "new_password": [
            "Salasanassa on oltava vähintään 12 merkkiä.",
            "Salasana ei saa olla käyttäjätunnus.",
        ],
        "current_password": ["Nykyinen salasana on väärin."],
    }


def test_s1_every_word_the_account_pages_use_exists_in_both_languages():
    used = {key for path in TEMPLATES.glob("*.html") for key in KEY.findall(path.read_text())}
    assert len(used) > 30
    assert used <= set(messages("fi")) and used <= set(messages("en")), sorted(used - set(messages("fi")))
