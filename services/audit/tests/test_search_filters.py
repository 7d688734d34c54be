"""G2: the audit log search's filters as the audit service reads them; a bad one is refused by name."""

from datetime import UTC, datetime

import pytest

from piiri.errors import ValidationFailed
from services.audit.contract import filters_as_text, parse_filters


def test_g2_filters_are_trimmed_canonical_and_empty_ones_dropped():
    parsed = parse_filters(
        {
            "actor": " 6F1C0C1E-1111-4444-8888-000000000001 ",
            "action": "contact.viewed",
            "service": "",
            "subject_type": None,
            "subject_id": "c-1",
            "request_id": "req-1",
        }
    )
    assert parsed == {
        "actor": "6f1c0c1e-1111-4444-8888-000000000001",
        "action": "contact.viewed",
        "subject_id": "c-1",
        "request_id": "req-1",
    }
    assert parse_filters(None) == {} and parse_filters({}) == {}


def test_g2_days_are_finnish_days_and_until_includes_its_day():
    parsed = parse_filters({"since": "2026-03-05", "until": "2026-03-05"})
    assert parsed["since"] == datetime(2026, 3, 4, 22, 0, tzinfo=UTC)  # 00:00 in Helsinki (UTC+2)
    assert parsed["until"] == datetime(2026, 3, 5, 22, 0, tzinfo=UTC)  # the next day's start
    assert filters_as_text(parsed) == {
        "since": "2026-03-04T22:00:00+00:00",
        "until": "2026-03-05T22:00:00+00:00",
    }
    exact = parse_filters({"since": "2026-07-01T10:00:00+00:00"})
    assert exact["since"] == datetime(2026, 7, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("filters", "name"),
    [
        ({"colour": "red"}, "colour"),
        ({"since": "eilen"}, "since"),
        ({"until": "2026-02-30"}, "until"),
        ({"since": "2026-03-05", "until": "2026-03-04"}, "until"),
        ({"actor": 5}, "actor"),
        ({"action": "x" * 201}, "action"),
        ({"subject_id": " "}, "subject_id"),
    ],
)
def test_g2_a_bad_filter_is_refused_naming_it(filters, name):
    with pytest.raises(ValidationFailed) as error:
        parse_filters(filters)
    assert list(error.value.details) == [name]


def test_g2_filters_must_be_an_object():
    with pytest.raises(ValidationFailed) as error:
        parse_filters(["actor"])
    assert error.value.details == {"filters": ["value.not_object"]}
