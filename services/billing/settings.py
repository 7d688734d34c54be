"""The billing settings (deploy/local.yml, BILLING_*): the payee printed on invoices, the accounts bank
files may be for, the reference scheme and form, payment terms and the first invoice number."""

from dataclasses import dataclass

from stdnum import bic as bics
from stdnum import iban as ibans

from services.billing.references.rules import SCHEMES

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

    def takes_account(self, account: str) -> bool:
        """A bank file's account is ours: an IBAN among ``accounts``, or a KTL's 14-digit BBAN of one."""
        account = account.replace(" ", "").upper()
        return any(account == own or (account.isdigit() and own[4:] == account) for own in self.accounts)


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
    if not 0 <= settings.payment_days <= 365 or settings.first_number < 1000:
        raise BadSettings("BILLING_PAYMENT_DAYS must be 0-365 and BILLING_FIRST_NUMBER at least 1000")
