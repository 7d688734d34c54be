"""Pure rules of subscription forms (M3): the link's code and its digest, expiry and single use, the
rate limits' keyed digests and decisions, checking a submission and a form's settings, choosing the
consent text of a language, and the confirmation mail's words. No I/O."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from marshmallow import ValidationError

from piiri.errors import ValidationFailed
from piiri.signing import keyed_digests
from services.mailing.contract import subscriptions as contract
from services.mailing.subscriptions.words import CONFIRM_MAIL, DEFAULT_CONSENT

FIELD_CODES = {
    "email": contract.EMAIL_INVALID,
    "first_name": contract.NAME_TOO_LONG,
    "last_name": contract.NAME_TOO_LONG,
    "language": contract.SUBSCRIPTION_INVALID,
}


@dataclass(frozen=True)
class Settings:
    expiry: timedelta
    resend: timedelta
    ip_per_hour: int
    email_per_hour: int


def settings_from(config):
    """The form settings of the configuration (SUBSCRIBE_*), defaults from the contract."""

    def number(key, default):
        try:
            return max(float(config.get(key) or default), 0)
        except (TypeError, ValueError):
            return default

    return Settings(
        expiry=timedelta(hours=number("SUBSCRIBE_EXPIRY_HOURS", contract.EXPIRY_HOURS)),
        resend=timedelta(minutes=number("SUBSCRIBE_RESEND_MINUTES", contract.RESEND_MINUTES)),
        ip_per_hour=int(number("SUBSCRIBE_IP_PER_HOUR", contract.IP_PER_HOUR)),
        email_per_hour=int(number("SUBSCRIBE_EMAIL_PER_HOUR", contract.EMAIL_PER_HOUR)),
    )


def new_token():
    """A list's public token (in the hosted page's URL): unguessable, short."""
    return secrets.token_urlsafe(12)


def new_code():
    """A confirmation link's code: 256 bits; only its digest is stored."""
    return secrets.token_urlsafe(32)


def code_hash(code):
    return hashlib.sha256(str(code).encode()).hexdigest()


def link_state(row, now):
    """What a confirmation link's row means now: pending, already_confirmed or expired (None: unknown)."""
    if row is None:
        return contract.EXPIRED
    if row["status"] == "confirmed":
        return contract.ALREADY_CONFIRMED
    if row["expires_at"] <= now:
        return contract.EXPIRED
    return contract.PENDING


def digest(config, kind, value):
    """A keyed digest of a client address or an e-mail address (the rate limits keep no value)."""
    return keyed_digests(config, f"subscribe:{kind}:{value}")[0]


def normal_email(value):
    return str(value or "").strip().lower()


def over_limit(count, limit):
    """A limit of 0 switches the check off."""
    return bool(limit) and count >= limit


def resend_too_soon(last_created_at, now, settings):
    """True while a mail for the same address and list went out less than ``resend`` ago."""
    return last_created_at is not None and now - last_created_at < settings.resend


def checked_submission(data):
    """The submission's values (trimmed); ValidationFailed(mailing.subscription_invalid) naming fields."""
    if not isinstance(data, dict):
        raise ValidationFailed(contract.SUBSCRIPTION_INVALID, {"_schema": [contract.SUBSCRIPTION_INVALID]})
    trimmed = {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
    trimmed = {key: value for key, value in trimmed.items() if key in FIELD_CODES}
    try:
        values = contract.SubscriptionInput().load(trimmed)
    except ValidationError as exc:
        raise ValidationFailed(
            contract.SUBSCRIPTION_INVALID,
            {
                name: [FIELD_CODES.get(name, contract.SUBSCRIPTION_INVALID)]
                for name in exc.normalized_messages()
            },
        ) from None
    values["first_name"] = " ".join(values["first_name"].split())
    values["last_name"] = " ".join(values["last_name"].split())
    return values


def checked_form(data):
    """A form's settings change; ValidationFailed(mailing.subscription_form_invalid) naming fields."""
    if not isinstance(data, dict):
        raise ValidationFailed(contract.FORM_INVALID, {"_schema": [contract.FORM_INVALID]})
    try:
        values = contract.SubscriptionFormInput().load(data)
    except ValidationError as exc:
        problems = {}
        for name, entry in exc.normalized_messages().items():
            if name == "consent_texts" and isinstance(entry, dict):
                for language in entry:
                    problems[f"consent_texts.{language}"] = [
                        {"code": contract.CONSENT_TEXT_TOO_LONG, "params": {"max": contract.CONSENT_TEXT_MAX}}
                    ]
            else:
                problems[name] = [contract.FORM_INVALID]
        raise ValidationFailed(contract.FORM_INVALID, problems) from None
    if "consent_texts" in values:
        texts = {
            language: values["consent_texts"].get(language, "").strip() for language in contract.LANGUAGES
        }
        if not any(texts.values()):
            raise ValidationFailed(contract.FORM_INVALID, {"consent_texts": [contract.CONSENT_TEXT_REQUIRED]})
        values["consent_texts"] = texts
    return values


def default_texts(list_name):
    return {language: text.format(name=list_name) for language, text in DEFAULT_CONSENT.items()}


def in_language(texts, language):
    """The text in ``language``, else the first there is in fi, en, sv."""
    for choice in (language, "fi", "en", "sv"):
        if (texts or {}).get(choice):
            return texts[choice]
    return ""


def purpose_label(purpose, language):
    """A processing purpose's name (the purposes have Finnish and English names)."""
    if not purpose:
        return ""
    return purpose.get("label_en" if language == "en" else "label_fi") or purpose.get("code", "")


def confirmation_mail(language, list_name, link, expires_at, sender):
    """(subject, body) of the confirmation mail in the subscriber's language."""
    words = CONFIRM_MAIL.get(language) or CONFIRM_MAIL["fi"]
    values = {
        "list": list_name,
        "link": link,
        "until": expires_at.strftime("%d.%m.%Y %H:%M UTC" if language != "en" else "%Y-%m-%d %H:%M UTC"),
        "sender": sender or list_name,
    }
    return words["subject"].format(**values), words["body"].format(**values)


def confirm_link(base_url, token, code, language):
    """The link in the mail; its pages speak the subscriber's language."""
    return f"{str(base_url).rstrip('/')}/subscribe/{token}/confirm/{code}?lang={language}"


def consent_note(list_name):
    return contract.CONSENT_NOTE.format(name=list_name)[:2000]


def cutoff(now, hours=1):
    return now - timedelta(hours=hours)
