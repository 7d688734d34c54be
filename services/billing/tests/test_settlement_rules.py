"""B1 federation split, pure rules: components sum exactly to the fee, a line's split, the D'Hondt
sharing of cents (exact sums, never negative, monotone), payments shared proportionally (partial, in
full, over the total), periods, and the parties' business id and IBAN checked with python-stdnum."""

from datetime import date
from decimal import Decimal

import pytest

from services.billing.settlement import files, rules

D = Decimal
LIITTO, YHDISTYS = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
PARTIES = {LIITTO, YHDISTYS}


def test_b1_components_must_sum_exactly_to_the_fees_amount():
    given = [{"party_id": LIITTO, "amount": "30.00"}, {"party_id": YHDISTYS, "amount": "20,00"}]
    assert rules.check_components(D("50.00"), given, PARTIES) == [
        {"party_id": LIITTO, "amount": D("30.00")},
        {"party_id": YHDISTYS, "amount": D("20.00")},
    ]
    with pytest.raises(rules.BadSplit) as error:
        rules.check_components(D("50.01"), given, PARTIES)
    assert error.value.detail() == {
        "code": "billing.components_sum",
        "params": {"sum": "50.00", "amount": "50.01"},
    }
    assert rules.check_components(D("50.00"), [], PARTIES) == []


@pytest.mark.parametrize(
    "components, field, code",
    [
        ([{"party_id": "x", "amount": "1"}], "components.0.party_id", "billing.party_unknown"),
        (
            [{"party_id": LIITTO, "amount": "1"}, {"party_id": LIITTO, "amount": "1"}],
            "components.1.party_id",
            "billing.party_twice",
        ),
        ([{"party_id": LIITTO, "amount": "0"}], "components.0.amount", "billing.amount_zero"),
        ([{"party_id": LIITTO, "amount": "-1"}], "components.0.amount", "billing.amount_negative"),
        ([{"party_id": LIITTO, "amount": "1.005"}], "components.0.amount", "billing.amount_precision"),
        ("liitto", "components", "billing.components_invalid"),
    ],
)
def test_b1_bad_components_name_the_field_and_the_reason(components, field, code):
    with pytest.raises(rules.BadSplit) as error:
        rules.check_components(D("2.00"), components, PARTIES)
    assert (error.value.field, error.value.code) == (field, code)


def test_b1_allocation_is_exact_and_gives_whole_parts_when_the_amount_is_the_total():
    weights = [D("30.00"), D("20.00")]
    assert rules.allocate(D("50.00"), weights) == [D("30.00"), D("20.00")]
    assert rules.allocate(D("25.00"), weights) == [D("15.00"), D("10.00")]
    # 0.01 shared 3:2: the cent goes to the bigger part; 0.03 thirds: one each
    assert rules.allocate(D("0.01"), weights) == [D("0.01"), D("0.00")]
    assert rules.allocate(D("0.03"), [D("1.00")] * 3) == [D("0.01")] * 3
    assert rules.allocate(D("0.02"), [D("1.00")] * 3) == [D("0.01"), D("0.01"), D("0.00")]  # ties: first
    assert rules.allocate(D("-10.00"), weights) == [D("-6.00"), D("-4.00")]


def test_b1_allocation_never_shrinks_a_share_when_the_amount_grows():
    """House monotone (no Alabama paradox), so a payment's share is never negative."""
    for weights in (
        [D("33.33"), D("33.33"), D("33.34")],
        [D("0.07"), D("12.00"), D("5.93")],
        [D("1"), D("2")],
    ):
        total = sum(weights)
        previous = [D("0")] * len(weights)
        for cents in range(0, int(total * 100) + 1, 7):
            shares = rules.allocate(D(cents) / 100, weights)
            assert sum(shares) == D(cents) / 100
            assert all(now >= before for now, before in zip(shares, previous, strict=True))
            previous = shares
        assert rules.allocate(total, weights) == weights


def test_b1_partial_payments_are_shared_in_proportion_and_in_full_give_each_part_exactly():
    parts = rules.parts_of(
        D("100.00"), [{"party_id": LIITTO, "amount": "33.33"}, {"party_id": YHDISTYS, "amount": "33.33"}]
    )
    assert parts == {LIITTO: D("33.33"), YHDISTYS: D("33.33"), rules.OWN: D("33.34")}
    paid, got = D("0"), {key: D("0") for key in parts}
    for amount in (D("10.00"), D("0.01"), D("45.55"), D("44.44")):  # 100.00 in four payments
        shares, excess = rules.payment_shares(parts, D("100.00"), paid, amount)
        assert sum(shares.values()) == amount and excess == 0
        assert all(share >= 0 for share in shares.values())
        paid += amount
        for key, share in shares.items():
            got[key] += share
    assert got == parts


def test_b1_an_overpayment_goes_to_the_payers_credit_not_to_a_party():
    parts = {LIITTO: D("30.00"), YHDISTYS: D("20.00")}
    shares, excess = rules.payment_shares(parts, D("50.00"), D("40.00"), D("25.00"))
    assert shares == {LIITTO: D("6.00"), YHDISTYS: D("4.00")} and excess == D("15.00")


def test_b1_a_line_split_with_vat_shares_the_gross_in_proportion():
    components = [
        {"party_id": LIITTO, "party_name": "Liitto", "amount": D("30.00")},
        {"party_id": YHDISTYS, "party_name": "Yhdistys", "amount": D("20.00")},
    ]
    split = rules.line_split(D("62.75"), components)  # 50.00 + 25.5 % VAT
    assert [part["amount"] for part in split] == [D("37.65"), D("25.10")]
    lines = [{"position": 1, "gross": D("50.00")}, {"position": 2, "gross": D("5.00")}]
    with_split = rules.with_fee_split(lines, {"components": components})
    assert [part["amount"] for part in with_split[0]["split"]] == [D("30.00"), D("20.00")]
    assert "split" not in with_split[1]


@pytest.mark.parametrize(
    "text, kind, start, end",
    [
        ("2027", "year", date(2027, 1, 1), date(2028, 1, 1)),
        ("2027-Q4", "quarter", date(2027, 10, 1), date(2028, 1, 1)),
        ("2027-Q1", "quarter", date(2027, 1, 1), date(2027, 4, 1)),
        ("2027-12", "month", date(2027, 12, 1), date(2028, 1, 1)),
        ("2027-02", "month", date(2027, 2, 1), date(2027, 3, 1)),
    ],
)
def test_b1_settlement_periods(text, kind, start, end):
    period = rules.period_of(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize("text", ["", "27", "2027-13", "2027-Q5", "2027-1", "1999", "huhtikuu"])
def test_b1_a_bad_period_is_refused(text):
    with pytest.raises(rules.BadSplit) as error:
        rules.period_of(text)
    assert error.value.code == "billing.period_invalid"


def test_b1_party_business_id_and_iban_are_checked_with_stdnum():
    assert rules.business_id("0201256-6") == "0201256-6"
    assert rules.party_iban("FI21 1234 5600 0007 85") == "FI2112345600000785"
    assert rules.party_iban("") is None
    for bad in ("0201256-7", "1234567", ""):
        with pytest.raises(rules.BadSplit) as error:
            rules.business_id(bad)
        assert error.value.code == "billing.business_id_invalid"
    with pytest.raises(rules.BadSplit) as error:
        rules.party_iban("FI2112345600000786")
    assert error.value.code == "billing.iban_invalid"


def test_b1_the_report_sums_every_row_and_the_download_has_them():
    parties = [
        {"id": LIITTO, "name": "Liitto ry", "business_id": "0201256-6", "iban": None, "active": True},
        {"id": YHDISTYS, "name": "Vanha ry", "business_id": "1234567-8", "iban": None, "active": False},
    ]
    report = rules.report(
        rules.period_of("2027-03"),
        parties,
        {LIITTO: D("60.00"), rules.OWN: D("40.00")},
        {LIITTO: D("-30.00"), rules.OWN: D("-20.00")},
        {LIITTO: D("18.00"), rules.OWN: D("12.00")},
        D("5.00"),
    )
    assert [row["name"] for row in report["parties"]] == ["Liitto ry"]  # a retired party with no figures
    row = report["parties"][0]
    figures = {name: row[name] for name in rules.FIGURES}
    assert figures == {"invoiced": "60.00", "credited": "30.00", "paid": "18.00", "owed": "18.00"}
    assert report["own"]["owed"] == "0.00" and report["totals"]["paid"] == "30.00"
    assert (report["last_day"], report["overpaid"]) == ("2027-03-31", "5.00")
    csv_file = files.make(report, "csv", "fi")["data"].decode("utf-8-sig")
    assert "Liitto ry;0201256-6;;60,00;30,00;18,00;18,00" in csv_file and "Yhteensä" in csv_file
    xlsx = files.make(report, "xlsx", "sv")
    assert xlsx["file_name"] == "settlement-2027-03.xlsx" and xlsx["data"][:2] == b"PK"
