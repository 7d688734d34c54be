"""M2 and M1 rules without I/O: a template renders to responsive HTML (MJML through mrml) and text with
sandboxed merge fields, each error is named with its part, line and field before anything is sent, and a
test send takes 1 to 15 valid addresses, naming the bad one."""

from datetime import UTC, datetime, timedelta

import pytest

from piiri.errors import ValidationFailed
from services.mailing import contract
from services.mailing.campaigns import rules as campaign_rules
from services.mailing.mail_templates import rules

MJML = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hei {{ first_name }}!</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
TEMPLATE = {"subject": "Tervehdys, {{ first_name }}", "mjml": MJML, "text": "Hei {{ full_name }}\n"}


def problems(template):
    with pytest.raises(ValidationFailed) as refused:
        rules.check(template)
    assert refused.value.message == "mailing.template_invalid"
    return refused.value.details


def test_m2_a_template_renders_responsive_html_text_and_subject_for_a_contact():
    rendered = rules.render(
        TEMPLATE, rules.contact_context({"first_name": "<Anna>", "last_name": "Ek", "email": "a@example.fi"})
    )
    assert rendered.subject == "Tervehdys, <Anna>"  # the subject and text are plain text
    assert "Hei &lt;Anna&gt;!" in rendered.html  # the HTML escapes what it merges
    assert "@media only screen and (min-width:480px)" in rendered.html  # responsive: MJML's breakpoint
    assert rendered.text == "Hei <Anna> Ek\n"


def test_m2_campaign_monitor_gets_its_own_personalisation_tags():
    rendered = rules.for_campaign_monitor(TEMPLATE)
    assert rendered.subject == "Tervehdys, [firstname,fallback=]"
    assert "Hei [firstname,fallback=]!" in rendered.html
    assert rendered.text == "Hei [fullname,fallback=]\n"


def test_m2_an_unknown_merge_field_is_named_with_its_line():
    details = problems({**TEMPLATE, "mjml": MJML.replace("{{ first_name }}", "{{ etunimi }}")})
    assert details == {
        "mjml": [
            {
                "code": "mailing.template_unknown_field",
                "params": {"part": "mjml", "line": 5, "field": "etunimi"},
            }
        ]
    }


def test_m2_a_jinja_syntax_error_is_named_with_its_part_and_line():
    details = problems({**TEMPLATE, "text": "Hei\n{% if first_name %}\n{{ first_name }"})
    [entry] = details["text"]
    assert entry["code"] == "mailing.template_syntax" and entry["params"]["line"] == 3


def test_m2_an_mjml_tag_left_open_is_named_with_its_line():
    details = problems({**TEMPLATE, "mjml": MJML.replace("      </mj-column>\n", "")})
    [entry] = details["mjml"]
    assert entry["code"] == "mailing.template_mjml"
    assert entry["params"]["line"] == 6 and entry["params"]["tag"] == "mj-section"


def test_m2_the_sandbox_refuses_reaching_into_python_and_includes_read_nothing():
    details = problems({**TEMPLATE, "text": "{{ first_name.__class__.__mro__ }}"})
    assert details["text"][0]["code"] == "mailing.template_render_failed"
    details = problems(
        {**TEMPLATE, "mjml": '<mjml><mj-body><mj-include path="/etc/passwd" /></mj-body></mjml>'}
    )
    assert details["mjml"][0]["code"] in ("mailing.template_mjml", "mailing.template_mjml_unplaced")


def test_m2_input_needs_every_part_within_its_limit():
    with pytest.raises(ValidationFailed) as refused:
        rules.checked_input({"name": " ", "subject": "x" * 301, "mjml": MJML})
    assert set(refused.value.details) == {"name", "subject", "text"}
    assert rules.checked_input({"name": "  Uutis   kirje ", "text": "a"}, partial=True) == {
        "name": "Uutis kirje",
        "text": "a",
    }


def test_m1_a_test_send_takes_one_to_fifteen_valid_addresses():
    assert campaign_rules.test_addresses("a@example.fi, b@example.fi\na@example.fi") == [
        "a@example.fi",
        "b@example.fi",
    ]
    fifteen = [f"t{n}@example.fi" for n in range(15)]
    assert campaign_rules.test_addresses(fifteen) == fifteen
    with pytest.raises(ValidationFailed) as too_many:
        campaign_rules.test_addresses([*fifteen, "sixteen@example.fi"])
    assert too_many.value.details["addresses"][0] == {
        "code": "mailing.test_addresses_too_many",
        "params": {"max": 15, "count": 16},
    }
    with pytest.raises(ValidationFailed) as bad:
        campaign_rules.test_addresses(["ok@example.fi", "ei-osoite@"])
    assert bad.value.details["addresses"][0]["params"] == {"address": "ei-osoite@"}
    with pytest.raises(ValidationFailed) as empty:
        campaign_rules.test_addresses(" ,  ")
    assert empty.value.message == "mailing.test_addresses_required"


def test_m1_a_send_time_is_a_minute_to_a_year_ahead_and_campaign_monitor_gets_utc():
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert campaign_rules.send_time(None, now) is None
    when = campaign_rules.send_time("2026-12-07T14:30:00+02:00", now)
    assert when == datetime(2026, 12, 7, 12, 30, tzinfo=UTC)
    assert campaign_rules.cm_send_date(when) == "2026-12-07 12:30"
    assert campaign_rules.cm_send_date(None) == "immediately"
    for bad in ("2026-12-07T10:00:30Z", (now + timedelta(days=400)).isoformat(), "huomenna", "-"):
        with pytest.raises(ValidationFailed):
            campaign_rules.send_time(bad, now)


def test_m1_a_campaign_needs_a_name_template_lists_and_sender():
    with pytest.raises(ValidationFailed) as refused:
        campaign_rules.checked_input({"name": "", "template_id": "x", "list_ids": [], "from_email": "nope"})
    assert set(refused.value.details) == {
        "name",
        "template_id",
        "list_ids",
        "from_name",
        "from_email",
        "reply_to",
    }
    values = campaign_rules.checked_input(
        {
            "name": "Joulu",
            "template_id": "5f0c6c1e-2f0e-4a53-9d71-1d2f3c4b5a69",
            "list_ids": ["5f0c6c1e-2f0e-4a53-9d71-1d2f3c4b5a60"] * 2,
            "from_name": "Piiri ry",
            "from_email": "info@example.fi",
        }
    )
    assert (
        values["list_ids"] == ["5f0c6c1e-2f0e-4a53-9d71-1d2f3c4b5a60"]
        and values["reply_to"] == "info@example.fi"
    )


def test_m2_loops_calls_and_multiplication_are_refused_with_their_line():
    details = problems(
        {**TEMPLATE, "text": "Hei\n{% for c in email %}{{ c }}{% endfor %}\n{{ email.center(9) }}"}
    )
    assert [(entry["params"]["line"], entry["params"]["construct"]) for entry in details["text"]] == [
        (2, "for"),
        (3, "call"),
    ]
    details = problems({**TEMPLATE, "subject": "{{ first_name|center(999999999) }}"})
    assert details["subject"][0]["code"] == "mailing.template_not_allowed"
    details = problems({**TEMPLATE, "text": "{{ 'x' * 1000000000 }}"})
    assert details["text"][0]["code"] == "mailing.template_render_failed"
    allowed = {**TEMPLATE, "text": "{% if first_name %}Hei {{ first_name|upper|truncate(20) }}{% endif %}"}
    assert rules.render(allowed, rules.MERGE_FIELDS).text == "Hei MAIJA"


def test_m2_the_merge_fields_of_the_contract_are_those_the_rules_render_and_tag():
    """The gateway's template form lists contract.MERGE_FIELDS: the same fields the rules have samples
    and Campaign Monitor tags for, in the same order."""
    assert tuple(rules.MERGE_FIELDS) == tuple(rules.CM_TAGS) == contract.MERGE_FIELDS


CUSTOM = {
    "subject": "Jäsen {{ custom.member_no }}",
    "mjml": MJML.replace("{{ first_name }}", "{{ first_name }} ({{ custom.member_no | upper }})"),
    "text": "Hei\n{% if custom.club %}Seura: {{ custom.club }}{% endif %}\n",
}


def test_m2_a_list_custom_field_is_a_merge_field_for_preview_and_campaign_monitor():
    rules.check(CUSTOM)  # the samples: each custom field's key in quotes
    sample = rules.render(CUSTOM, rules.sample_context())
    assert sample.subject == "Jäsen «member_no»" and sample.text == "Hei\nSeura: «club»\n"
    contact = {"first_name": "Anna", "custom": {"member_no": "a-7", "club": ["HIFK", "<Ässät>"]}}
    rendered = rules.render(CUSTOM, rules.contact_context(contact))
    assert rendered.subject == "Jäsen a-7" and rendered.text == "Hei\nSeura: HIFK, <Ässät>\n"
    assert "Hei Anna (A-7)!" in rendered.html
    unset = rules.render(CUSTOM, rules.contact_context({"first_name": "Bo"}))
    assert unset.subject == "Jäsen" and unset.text == "Hei\n\n"
    at_cm = rules.for_campaign_monitor(CUSTOM)
    assert at_cm.subject == "Jäsen [member_no,fallback=]"
    assert "[club,fallback=]" in at_cm.text


def test_m2_a_custom_field_not_on_every_list_of_the_campaign_is_named_with_line_and_list():
    lists = [("Jäsenet", ["first_name", "custom.member_no", "custom.club"]), ("Uutiskirje", ["custom.club"])]
    with pytest.raises(ValidationFailed) as refused:
        rules.unknown_list_fields(CUSTOM, lists)
    assert refused.value.message == "mailing.template_invalid"
    assert refused.value.details == {
        "subject": [
            {
                "code": "mailing.template_field_not_on_list",
                "params": {"part": "subject", "line": 1, "field": "custom.member_no", "list": "Uutiskirje"},
            }
        ]
    }
    rules.unknown_list_fields(CUSTOM, [("Jäsenet", lists[0][1])])  # every field on the list: fine


def test_m2_custom_used_any_other_way_is_an_unknown_field():
    for source in ("{{ custom }}", "{{ custom['member_no'] }}", "{{ custom.Iso }}"):
        details = problems({**TEMPLATE, "text": "rivi\n" + source})
        assert details == {
            "text": [
                {
                    "code": "mailing.template_unknown_field",
                    "params": {"part": "text", "line": 2, "field": "custom"},
                }
            ]
        }, source
