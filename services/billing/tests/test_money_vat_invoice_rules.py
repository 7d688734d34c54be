"""B1: exact money (never rounded silently), the dated Finnish VAT table, lines, totals, credit notes,
payment statuses and who a run leaves out."""

from datetime import date
from decimal import Decimal

import pytest

from services.billing.invoices import money, rules
from services.billing.runs import rules as run_rules
from services.billing.vat.rules import BUILTIN_RATES, rate_on


@pytest.mark.parametrize("text,amount", [("50", "50.00"), ("12,5", "12.50"), ("0.01", "0.01"), (7, "7.00")])
def test_b1_amounts_parse_exactly(text, amount):
    assert money.parse(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text,code",
    [
        ("1.005", "billing.amount_precision"),
        ("0", "billing.amount_zero"),
        ("-5", "billing.amount_negative"),
        ("abc", "billing.amount_invalid"),
        ("1000000", "billing.amount_too_large"),
        ("NaN", "billing.amount_invalid"),
    ],
)
def test_b1_bad_amounts_are_refused_with_a_code(text, code):
    with pytest.raises(money.BadAmount) as error:
        money.parse(text)
    assert error.value.code == code


@pytest.mark.parametrize(
    "vat_class,day,rate",
    [
        ("general", date(2024, 8, 31), "24.00"),
        ("general", date(2024, 9, 1), "25.50"),
        ("reduced_culture", date(2024, 12, 31), "10.00"),
        ("reduced_culture", date(2025, 1, 1), "14.00"),
        ("reduced_culture", date(2026, 1, 1), "13.50"),
        ("reduced_food", date(2025, 12, 31), "14.00"),
        ("reduced_food", date(2026, 1, 1), "13.50"),
        ("reduced_press", date(2026, 6, 1), "10.00"),
        ("none", date(2026, 6, 1), "0.00"),
    ],
)
def test_b1_vat_rate_is_the_rate_of_the_invoice_date(vat_class, day, rate):
    assert rate_on(list(BUILTIN_RATES), vat_class, day) == Decimal(rate)


def test_b1_lines_totals_and_vat_breakdown():
    lines = rules.priced_lines(
        [
            {"description": "Jäsenmaksu", "unit_price": "50.00"},
            {"description": "Kirja", "unit_price": "19.90", "quantity": "2", "vat_class": "reduced_culture"},
            {"description": "Kangaskassi", "unit_price": "10.01", "vat_class": "general"},
        ],
        list(BUILTIN_RATES),
        date(2024, 8, 31),  # the last day of 24 %
    )
    assert [line["vat"] for line in lines] == [Decimal("0.00"), Decimal("3.98"), Decimal("2.40")]
    # 10.01 * 24 % = 2.4024 -> 2.40 (half up, per line)
    totals = rules.totals_of(lines)
    assert totals == {"net_total": Decimal("99.81"), "vat_total": Decimal("6.38"), "total": Decimal("106.19")}
    breakdown = rules.vat_breakdown(lines)
    assert [(row["rate"], row["net"], row["vat"]) for row in breakdown] == [
        (Decimal("24.00"), Decimal("10.01"), Decimal("2.40")),
        (Decimal("10.00"), Decimal("39.80"), Decimal("3.98")),
        (Decimal("0.00"), Decimal("50.00"), Decimal("0.00")),
    ]
    credit = rules.credit_lines(lines)
    assert rules.totals_of(credit)["total"] == Decimal("-106.19")


def test_b1_line_errors_name_the_field():
    with pytest.raises(rules.BadInvoice) as error:
        rules.priced_lines(
            [{"description": "x", "unit_price": "1.333"}], list(BUILTIN_RATES), date(2026, 1, 1)
        )
    assert (error.value.code, error.value.field) == ("billing.amount_precision", "lines.0.unit_price")
    with pytest.raises(rules.BadInvoice) as error:
        rules.priced_lines(
            [{"description": "x", "unit_price": "0.33", "quantity": "0.5"}],
            list(BUILTIN_RATES),
            date(2026, 1, 1),
        )
    assert (error.value.code, error.value.field) == ("billing.amount_precision", "lines.0.quantity")
    with pytest.raises(rules.BadInvoice) as error:
        rules.priced_lines([], list(BUILTIN_RATES), date(2026, 1, 1))
    assert error.value.code == "billing.lines_required"


@pytest.mark.parametrize(
    "paid,status", [("0", "open"), ("20.00", "partly_paid"), ("50.00", "paid"), ("60.00", "overpaid")]
)
def test_b4_status_from_payments(paid, status):
    assert rules.status_after(Decimal("50.00"), Decimal(paid), credited=False) == status


def row(key, **values):
    return {
        "id": key,
        "display_name": key,
        "street": "Katu 1",
        "postal_code": "00100",
        "city": "Helsinki",
        "email": None,
        "deceased_on": None,
        "couple": None,
        **values,
    }


def test_b1_run_exclusions_and_couples():
    couple = {"id": "c1", "address_name_fi": "Anna ja Bertil", "address_name_en": "Anna and Bertil"}
    rows = [
        row("anna", couple=couple, partner_id="bertil"),
        row("bertil", couple=couple, partner_id="anna"),
        row("dead", deceased_on="2020-01-01"),
        row("nowhere", street=None),
        row("paid"),
        row("ok"),
    ]
    decision = run_rules.decide(rows, "print", True, {"paid": "payer"}, set())
    assert [payer["id"] for payer in decision.payers] == ["anna", "ok"]
    assert [(excluded["id"], reason) for excluded, reason in decision.excluded] == [
        ("bertil", "couple_partner"),
        ("dead", "deceased"),
        ("nowhere", "no_address"),
        ("paid", "already_invoiced"),
    ]
    separately = run_rules.decide(rows[:2], "print", False, {}, set())
    assert len(separately.payers) == 2
    by_email = run_rules.decide([row("x"), row("y", email="y@example.fi")], "email", False, {}, set())
    assert [payer["id"] for payer in by_email.payers] == ["y"]
