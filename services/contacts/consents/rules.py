"""Pure rules of G1: a person's current consents, the effective legal basis per purpose, valid times."""

from datetime import datetime

# Purposes whose processing is sending mail to the person: their state is the person's mailing permission.
MAILING_PURPOSES = ("newsletter", "member_communication", "fundraising")
MAILING_NOTE = (
    "Today the consent and legal basis of each mailing purpose; the mailing service will add "
    "bounces and unsubscribes."
)


def current_consents(history):
    """{purpose: the latest consent row} from a person's consent rows: the latest ``recorded_at`` wins,
    then the greater id (as consent_current in the database)."""
    current = {}
    for row in history:
        latest = current.get(row["purpose"])
        if latest is None or (row["recorded_at"], row["id"]) > (latest["recorded_at"], latest["id"]):
            current[row["purpose"]] = row
    return current


def basis_active(row, today):
    """A person-specific legal basis applies from its start date to its end date, both included."""
    starts_on, ends_on = row.get("starts_on"), row.get("ends_on")
    return (starts_on is None or starts_on <= today) and (ends_on is None or ends_on >= today)


def effective_basis(purpose, person_bases, consent, today):
    """The legal basis that applies to ``purpose`` for one person today, and whether processing is lawful.

    A person-specific basis that is active today wins over the purpose's default (of several, the one
    that started last, then the newest). Under the consent basis processing is lawful only while the
    latest consent is a given one; under any other basis it is lawful, and a consent is only recorded.
    """
    active = [row for row in person_bases if row["purpose"] == purpose["code"] and basis_active(row, today)]
    chosen = None
    if active:
        chosen = max(active, key=lambda row: (row.get("starts_on") or today.min, row["created_at"]))
    basis = chosen["basis"] if chosen else purpose["legal_basis"]
    given = None if consent is None else bool(consent["given"])
    return {
        "basis": basis,
        "basis_source": "person" if chosen else "purpose",
        "legal_basis_id": chosen["id"] if chosen else None,
        "consent_given": given,
        "lawful": bool(given) if basis == "consent" else True,
    }


def consent_time_problem(recorded_at, now):
    """Why a consent's time cannot be used (None if it can): it may be backdated, never in the future."""
    if not isinstance(recorded_at, datetime) or recorded_at.tzinfo is None:
        return "value.time_zone"
    if recorded_at > now:
        return "err.dp_future"
    return None


def legal_basis_dates_problem(starts_on, ends_on):
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        return "err.person_dates"
    return None
