"""The billing settings (deploy/local.yml, BILLING_*): the payee printed on invoices, the accounts bank
files may be for, the reference scheme and form, payment terms and the first invoice number, and the
reminder levels, fees and interest (B4, docs/reminders.md)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum import bic as bics
from stdnum import iban as ibans

from services.billing.references.rules import SCHEMES
from services.billing.retention.rules import LEGAL_MINIMUM_YEARS

FORMS = ("national", "rf")  # which reference is printed, barcoded (v4 or v5) and sent


class BadSettings(ValueError):
    pass


@dataclass(frozen=True)
class BillingSettings:
    payee_name: str
    payee_business_id: str
    payee_address: str
    iban: str
    bic: str
    accounts: tuple[str, ...]  # IBANs whose bank files are taken (default: BILLING_IBAN)
    reference_scheme: str
    reference_form: str
    payment_days: int
    first_number: int
    stale_seconds: int
    reminders: "ReminderSettings" = field(default_factory=lambda: ReminderSettings())
    retention_years: int = 6  # kirjanpitolaki 2:10 §: vouchers six years from the end of the period's year
    financial_year_end: tuple[int, int] = (12, 31)  # (month, day) the financial year ends

    def takes_account(self, account: str) -> bool:
        """A bank file's account is ours: an IBAN among ``accounts``, or a KTL's 14-digit BBAN of one."""
        account = account.replace(" ", "").upper()
        return any(account == own or (account.isdigit() and own[4:] == account) for own in self.accounts)


# Laki saatavien perinnästä (513/1999) 10 a § 1 mom. 1 k.: at most 5 € for a payment reminder of a
# consumer receivable; 10 b §: a charged reminder at the earliest 14 days after the due date or the previous
# charged reminder; Piiri charges at most three reminders of one consumer receivable (its own cap, see
# docs/reminders.md).
CONSUMER_FEE_LIMIT = Decimal("5.00")
CONSUMER_FEE_DAYS = 14
CONSUMER_CHARGED_LIMIT = 3
B2B_COMPENSATION = Decimal("40.00")  # 513/1999 10 e § (the EU late-payment directive's 40 €)


@dataclass(frozen=True)
class ReminderSettings:
    """Reminder levels: ``levels[0]`` days after the due date for the 1st reminder, ``levels[n]`` days
    after the previous reminder for the next; fees per receivable kind; interest on or off; the payment
    days a reminder gives; the business receivable's 40 € compensation instead of fees."""

    levels: tuple[int, ...] = (14, 14, 14)
    fee_consumer: Decimal = Decimal("5.00")
    fee_business: Decimal = Decimal("5.00")
    business_compensation: bool = False
    business_commercial: bool = True  # organisations' invoices are payments under 30/2013 (Korkolaki 4 a §)
    interest: bool = True
    payment_days: int = 14
    collection_days: int = 14  # days after the last reminder's due date before an invoice goes to collection
    retry_seconds: float = (
        60.0  # the first wait before a reminder e-invoice the operator did not take is retried
    )
    retry_attempts: int = 8  # tries of such an e-invoice in all (the wait doubles, at most 6 hours)


def _money(config, name, default):
    text = str(config.get(name) or default).strip().replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise BadSettings(f"{name}: {text} is not an amount in euros") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise BadSettings(f"{name}: {text} must be euros with at most two decimals, not negative")
    return amount


def _flag(config, name, default):
    value = config.get(name)
    if value in (None, ""):
        return default
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def reminder_settings(config) -> ReminderSettings:
    text = str(config.get("BILLING_REMINDER_LEVELS") or "14,14,14")
    try:
        levels = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise BadSettings(f"BILLING_REMINDER_LEVELS: {text} must be day counts separated by commas") from None
    settings = ReminderSettings(
        levels=levels,
        fee_consumer=_money(config, "BILLING_REMINDER_FEE_CONSUMER", "5.00"),
        fee_business=_money(config, "BILLING_REMINDER_FEE_BUSINESS", "5.00"),
        business_compensation=_flag(config, "BILLING_REMINDER_B2B_COMPENSATION", False),
        business_commercial=_flag(config, "BILLING_REMINDER_B2B_COMMERCIAL", True),
        interest=_flag(config, "BILLING_REMINDER_INTEREST", True),
        payment_days=int(config.get("BILLING_REMINDER_PAYMENT_DAYS") or 14),
        collection_days=int(config.get("BILLING_REMINDER_COLLECTION_DAYS") or 14),
        retry_seconds=_number(config, "BILLING_REMINDER_RETRY_SECONDS", 60.0),
        retry_attempts=int(_number(config, "BILLING_REMINDER_RETRY_ATTEMPTS", 8)),
    )
    check_reminders(settings)
    return settings


def _number(config, name, default):
    """A non-negative number setting (0 allowed: no wait), else BadSettings naming it."""
    value = config.get(name)
    if value in (None, ""):
        return default
    try:
        number = float(str(value).strip())
    except ValueError:
        raise BadSettings(f"{name}: {value} is not a number") from None
    if not 0 <= number:
        raise BadSettings(f"{name}: {value} is negative")
    return number


def check_reminders(settings: ReminderSettings) -> None:
    """Refuse reminder settings outside Finnish law or sense (start-up fails with the setting named)."""
    if not 1 <= len(settings.levels) <= 5 or any(not 1 <= days <= 365 for days in settings.levels):
        raise BadSettings("BILLING_REMINDER_LEVELS: 1 to 5 levels, each 1-365 days")
    if settings.fee_consumer > CONSUMER_FEE_LIMIT:
        raise BadSettings(
            f"BILLING_REMINDER_FEE_CONSUMER: {settings.fee_consumer} € is above the {CONSUMER_FEE_LIMIT} € a "
            "consumer may be charged for a payment reminder (Laki saatavien perinnästä 513/1999 10 a §)"
        )
    if settings.fee_business > B2B_COMPENSATION:
        raise BadSettings(
            f"BILLING_REMINDER_FEE_BUSINESS: {settings.fee_business} € is above {B2B_COMPENSATION} €, the "
            "standard compensation of 513/1999 10 e § (a reminder costs a business no more than that)"
        )
    if settings.business_compensation and not settings.business_commercial:
        raise BadSettings(
            "BILLING_REMINDER_B2B_COMPENSATION needs BILLING_REMINDER_B2B_COMMERCIAL: the 40 € compensation "
            "(513/1999 10 e §) is for payments under the act on commercial payment terms (30/2013)"
        )
    if settings.retry_seconds > 3600 or not 1 <= settings.retry_attempts <= 20:
        raise BadSettings(
            "BILLING_REMINDER_RETRY_SECONDS must be 0-3600 and BILLING_REMINDER_RETRY_ATTEMPTS 1-20"
        )
    if not 7 <= settings.payment_days <= 60 or not 0 <= settings.collection_days <= 365:
        raise BadSettings(
            "BILLING_REMINDER_PAYMENT_DAYS must be 7-60, BILLING_REMINDER_COLLECTION_DAYS 0-365"
        )


def _whole(config, name, default):
    text = str(config.get(name) or default).strip()
    if not text.isdigit():
        raise BadSettings(f"{name}: {text} is not a whole number of years")
    return int(text)


def _month_day(config, name, default):
    """ "MM-DD" -> (month, day); 02-29 is refused (a financial year cannot end on a day most years lack)."""
    text = str(config.get(name) or default).strip()
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2001, month, day)
    except ValueError:
        raise BadSettings(f"{name}: {text} is not a month and day such as 12-31") from None
    return month, day


def from_config(config) -> BillingSettings:
    iban = ibans.compact(str(config.get("BILLING_IBAN") or "FI2112345600000785"))
    accounts = tuple(
        ibans.compact(part) for part in str(config.get("BILLING_ACCOUNTS") or iban).split(",") if part.strip()
    )
    settings = BillingSettings(
        payee_name=str(config.get("BILLING_PAYEE_NAME") or "Esimerkkiyhdistys ry"),
        payee_business_id=str(config.get("BILLING_PAYEE_BUSINESS_ID") or ""),
        payee_address=str(config.get("BILLING_PAYEE_ADDRESS") or ""),
        iban=iban,
        bic=bics.compact(str(config.get("BILLING_BIC") or "NDEAFIHH")),
        accounts=accounts,
        reference_scheme=str(config.get("BILLING_REFERENCE_SCHEME") or "invoice"),
        reference_form=str(config.get("BILLING_REFERENCE_FORM") or "national"),
        payment_days=int(config.get("BILLING_PAYMENT_DAYS") or 14),
        first_number=int(config.get("BILLING_FIRST_NUMBER") or 1000),
        stale_seconds=int(config.get("BILLING_RUN_STALE_SECONDS") or 120),
        reminders=reminder_settings(config),
        retention_years=_whole(config, "BILLING_RETENTION_YEARS", 6),
        financial_year_end=_month_day(config, "BILLING_FINANCIAL_YEAR_END", "12-31"),
    )
    check(settings)
    return settings


def check(settings: BillingSettings) -> None:
    """Refuse settings that would print unpayable invoices (start-up fails with the setting named)."""
    if not ibans.is_valid(settings.iban):
        raise BadSettings(f"BILLING_IBAN: {settings.iban} is not a valid IBAN")
    for account in settings.accounts:  # as the bank's files name them (test files' IBANs may not check)
        if not (account.isalnum() and 10 <= len(account) <= 34):
            raise BadSettings(f"BILLING_ACCOUNTS: {account} is not an account number")
    if not bics.is_valid(settings.bic):
        raise BadSettings(f"BILLING_BIC: {settings.bic} is not a valid BIC")
    if settings.reference_scheme not in SCHEMES:
        raise BadSettings(f"BILLING_REFERENCE_SCHEME must be one of {', '.join(SCHEMES)}")
    if settings.reference_form not in FORMS:
        raise BadSettings(f"BILLING_REFERENCE_FORM must be one of {', '.join(FORMS)}")
    if not LEGAL_MINIMUM_YEARS <= settings.retention_years <= 50:
        raise BadSettings(
            f"BILLING_RETENTION_YEARS: {settings.retention_years} years; invoices and payments are vouchers "
            f"kept at least {LEGAL_MINIMUM_YEARS} years from the end of their financial period's year "
            "(kirjanpitolaki 1336/1997 2 luku 10 §), and at most 50"
        )
    if not 0 <= settings.payment_days <= 365 or settings.first_number < 1000:
        raise BadSettings("BILLING_PAYMENT_DAYS must be 0-365 and BILLING_FIRST_NUMBER at least 1000")
