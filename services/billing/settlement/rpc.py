"""The federation split (B1), a billing feature (BillingCore): the settlement parties (create, list,
retire) and the settlement report per period, as figures and as a download.

Not audited as a read of personal data, and why: the parties are organisations (a federation, an
association: name, business id, IBAN) and the report holds only sums per party; no payer, invoice or
payment is listed in it."""

import base64
from decimal import Decimal

from marshmallow import ValidationError
from nameko.rpc import rpc
from sqlalchemy.exc import IntegrityError

from piiri.errors import EXPECTED_ERRORS, NotFound, ValidationFailed
from services.billing import input_codes
from services.billing.contract import LANGUAGES, PERMISSION, PartyInput
from services.billing.core import BillingCore
from services.billing.invoices.storage import parse_id
from services.billing.invoices.views import _json
from services.billing.settlement import files, rules, storage

BATCH = 5000


def party_view(row):
    return {
        name: _json(row.get(name)) for name in ("id", "name", "business_id", "iban", "active", "created_at")
    }


def load_party(data):
    if not isinstance(data, dict):
        raise ValidationFailed("billing.party_invalid", {"_schema": ["billing.not_an_object"]})
    try:
        values = PartyInput().load(data)
    except ValidationError as exc:
        raise ValidationFailed("billing.party_invalid", input_codes.coded(exc)) from None
    values["name"] = values["name"].strip()
    if not values["name"]:
        raise ValidationFailed("billing.party_invalid", {"name": ["billing.name_required"]})
    try:
        values["business_id"] = rules.business_id(values["business_id"])
        values["iban"] = rules.party_iban(values.get("iban"))
    except rules.BadSplit as exc:
        raise ValidationFailed("billing.party_invalid", {exc.field: [exc.code]}) from None
    return values


def settlement(session, period):
    """The settlement report's figures for ``period`` (rules.Period), read in one transaction."""
    invoiced = _with_own(*storage.issued_sums(session, "invoice", period.start, period.end))
    credited = _with_own(*storage.issued_sums(session, "credit_note", period.start, period.end))
    paid_rows, made = storage.paid_invoices(session, period.start, period.end)
    paid: dict = {}
    excess = rules.ZERO
    by_invoice: dict = {}
    for payment in made:
        by_invoice.setdefault(payment["invoice_id"], []).append(payment)
    for start in range(0, len(paid_rows), BATCH):
        batch = paid_rows[start : start + BATCH]
        splits = storage.splits_of(session, [row["id"] for row in batch])
        for invoice in batch:
            lines = splits.get(invoice["id"], {})
            parts = rules.parts_of(invoice["total"], [s for split in lines.values() for s in split])
            before = rules.ZERO
            for payment in by_invoice.get(invoice["id"], ()):
                shares, over = rules.payment_shares(parts, invoice["total"], before, payment["amount"])
                before += payment["amount"]
                if period.start <= payment["day"] < period.end:
                    excess += over
                    for key, share in shares.items():
                        paid[key] = paid.get(key, rules.ZERO) + share
    parties = storage.list_parties(session)
    return rules.report(period, parties, invoiced, credited, paid, excess)


def _with_own(parts, total):
    own = Decimal(total) - sum(parts.values(), rules.ZERO)
    return {**parts, rules.OWN: own} if own else dict(parts)


class SettlementRpc(BillingCore):
    """Settlement parties and the settlement report (B1 federation split)."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_party(self, data):
        self.context.require(PERMISSION)
        values = load_party(data)
        with self.db.transaction() as session:
            if storage.party_by_business_id(session, values["business_id"]):
                raise ValidationFailed("billing.party_invalid", {"business_id": ["billing.party_exists"]})
            try:
                row = storage.insert_party(session, values)
            except IntegrityError:  # the same business id added at the same moment
                raise ValidationFailed(
                    "billing.party_invalid", {"business_id": ["billing.party_exists"]}
                ) from None
        return party_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_parties(self, include_inactive=True):
        self.context.require(PERMISSION)
        rows = storage.list_parties(self.db.session, bool(include_inactive))
        self.db.session.rollback()
        return {"items": [party_view(row) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def set_party_active(self, party_id, active):
        """Retire a party (no new fee type can name it; its figures stay in the reports) or take it back."""
        self.context.require(PERMISSION)
        if not isinstance(active, bool):
            raise ValidationFailed("billing.party_invalid", {"active": ["billing.boolean_required"]})
        key = parse_id(party_id)
        with self.db.transaction() as session:
            row = storage.set_party_active(session, key, active) if key else None
        if row is None:
            raise NotFound("billing.party_not_found", {"id": str(party_id)})
        return party_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def settlement_report(self, period):
        """What each party was invoiced, credited and paid in the period (a year "2027", a quarter
        "2027-Q1" or a month "2027-03"; payments by their payment date) and what is owed to it."""
        self.context.require(PERMISSION)
        checked = self._period(period)
        try:
            return settlement(self.db.session, checked)
        finally:
            self.db.session.rollback()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def settlement_file(self, period, file_format="xlsx", language="fi"):
        """The settlement report as a download: {"file_name", "content_type", "data" (base64)}."""
        self.context.require(PERMISSION)
        if file_format not in files.FORMATS:
            raise ValidationFailed("billing.settlement_invalid", {"format": ["billing.file_format_unknown"]})
        checked = self._period(period)
        try:
            report = settlement(self.db.session, checked)
        finally:
            self.db.session.rollback()
        made = files.make(report, file_format, language if language in LANGUAGES else "fi")
        return {**made, "data": base64.b64encode(made["data"]).decode("ascii")}

    @staticmethod
    def _period(period):
        try:
            return rules.period_of(period)
        except rules.BadSplit as exc:
            raise ValidationFailed("billing.settlement_invalid", {exc.field: [exc.code]}) from None
