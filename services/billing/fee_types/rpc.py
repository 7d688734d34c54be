"""Fee types (B1), a billing feature: define, list and retire the fees invoices charge (amount,
VAT class whose rate the invoice's date picks, bookkeeping account, the membership period a paid
invoice of it pays, if it is a membership fee: invoices/membership.py, and its components, the parts of
the amount that belong to the national federation, the local association or another settlement party:
settlement/). A fee type is never deleted: its invoices name it."""

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, NotFound, ValidationFailed
from services.billing import input_codes
from services.billing.contract import PERMISSION, FeeType, FeeTypeInput
from services.billing.core import BillingCore
from services.billing.fee_types import storage
from services.billing.invoices import money
from services.billing.invoices.storage import parse_id
from services.billing.settlement import rules as split_rules
from services.billing.settlement import storage as split_storage

FEE_TYPE = FeeType()


def fee_type_view(row):
    components = [
        {**component, "amount": money.text(component["amount"])} for component in row.get("components", ())
    ]
    return FEE_TYPE.dump({**row, "amount": money.text(row["amount"]), "components": components})


def load_fee_type(data):
    if not isinstance(data, dict):
        raise ValidationFailed("billing.fee_type_invalid", {"_schema": ["billing.not_an_object"]})
    period = data.get("membership_period")
    if isinstance(period, str):  # a form's empty field: no period; else the period trimmed
        data = {**data, "membership_period": period.strip() or None}
    # Every field's problem at once (issue 13 item 9): the schema's, the amount's and the name's together.
    errors = {}
    try:
        values = FeeTypeInput().load(data)
    except ValidationError as exc:
        errors = dict(input_codes.coded(exc, data))
        values = {name: value for name, value in exc.valid_data.items() if name not in errors}
    if "amount" in values:
        try:
            values["amount"] = money.parse(values["amount"])
        except money.BadAmount as exc:
            errors["amount"] = [exc.code]
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            errors["name"] = ["billing.name_required"]
    if errors:
        raise ValidationFailed("billing.fee_type_invalid", errors)
    return values


class FeeTypesRpc(BillingCore):
    """Fee types: create, change the split, list, retire or take back into use."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_fee_type(self, data):
        self.context.require(PERMISSION)
        values = load_fee_type(data)
        given = values.pop("components", [])
        with self.db.transaction() as session:
            try:
                components = split_rules.check_components(
                    values["amount"], given, split_storage.active_party_ids(session)
                )
            except split_rules.BadSplit as exc:
                raise ValidationFailed("billing.fee_type_invalid", {exc.field: [exc.detail()]}) from None
            row = storage.insert_fee_type(session, values)
            split_storage.insert_components(session, row["id"], components)
            row["components"] = split_storage.components_of(session, [row["id"]]).get(row["id"], [])
        return fee_type_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def set_fee_type_components(self, fee_type_id, components):
        """Replace the fee type's components (its federation split: which settlement party gets how
        much), checked as at creation (active parties, each once, summing exactly to the fee's amount).
        Invoices issued from now on are split so; issued ones keep the split frozen on their lines."""
        self.context.require(PERMISSION)
        key = parse_id(fee_type_id)
        with self.db.transaction() as session:
            row = storage.get(session, key) if key else None
            if row is None:
                raise NotFound("billing.fee_type_not_found", {"id": str(fee_type_id)})
            try:
                checked = split_rules.check_components(
                    row["amount"], components, split_storage.active_party_ids(session)
                )
            except split_rules.BadSplit as exc:
                raise ValidationFailed("billing.fee_type_invalid", {exc.field: [exc.detail()]}) from None
            split_storage.replace_components(session, row["id"], checked)
            row = storage.get(session, row["id"])
        return fee_type_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_fee_types(self, include_inactive=False):
        self.context.require(PERMISSION)
        rows = storage.list_fee_types(self.db.session, bool(include_inactive))
        self.db.session.rollback()
        return {"items": [fee_type_view(row) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def set_fee_type_active(self, fee_type_id, active):
        """Retire a fee type (no new invoices of it) or take it back into use."""
        self.context.require(PERMISSION)
        if not isinstance(active, bool):
            raise ValidationFailed("billing.fee_type_invalid", {"active": ["billing.boolean_required"]})
        key = parse_id(fee_type_id)
        with self.db.transaction() as session:
            row = storage.set_active(session, key, active) if key else None
        if row is None:
            raise NotFound("billing.fee_type_not_found", {"id": str(fee_type_id)})
        return fee_type_view(row)
