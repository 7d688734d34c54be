"""M3: the public form's bot checks (a honeypot, a signed minimum fill time) and its snippet."""

from gateway.subscribe import guard
from gateway.subscribe.links import page_url, snippet

CONFIG = {"CONTEXT_KEYS": "test-key", "SUBSCRIBE_MIN_FILL_SECONDS": 3}
T0 = 1_800_000_000


def posted(stamp=None, **fields):
    return {"email": "a@example.fi", **({"ts": stamp} if stamp else {}), **fields}


def test_m3_a_person_who_takes_their_time_passes():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    assert guard.verdict(CONFIG, "tok", posted(stamp), now=T0 + 5) == guard.HUMAN


def test_m3_the_honeypot_filled_is_a_bot_whatever_else():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    assert guard.verdict(CONFIG, "tok", posted(stamp, website="http://spam"), now=T0 + 60) == guard.BOT
    assert guard.verdict(CONFIG, "tok", posted(None, website="x"), now=T0) == guard.BOT


def test_m3_sent_faster_than_a_person_fills_the_form_is_a_bot():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    assert guard.verdict(CONFIG, "tok", posted(stamp), now=T0 + 1) == guard.BOT
    assert (
        guard.verdict({**CONFIG, "SUBSCRIBE_MIN_FILL_SECONDS": 0}, "tok", posted(stamp), now=T0)
        == guard.HUMAN
    )


def test_m3_a_missing_forged_old_or_other_lists_stamp_asks_again():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    issued, _, signature = stamp.partition(".")
    forged = f"{int(issued) - 100}.{signature}"  # an older time with the same signature
    assert guard.verdict(CONFIG, "tok", posted(None), now=T0 + 10) == guard.STALE
    assert guard.verdict(CONFIG, "tok", posted(forged), now=T0 + 10) == guard.STALE
    assert guard.verdict(CONFIG, "other", posted(stamp), now=T0 + 10) == guard.STALE
    assert guard.verdict({"CONTEXT_KEYS": "other-key"}, "tok", posted(stamp), now=T0 + 10) == guard.STALE
    assert guard.verdict(CONFIG, "tok", posted(stamp), now=T0 + 2 * 24 * 3600) == guard.STALE
    assert guard.verdict(CONFIG, "tok", posted("garbage"), now=T0 + 10) == guard.STALE


def test_m3_the_snippet_is_a_plain_form_posting_to_the_hosted_page():
    html = snippet("https://piiri.example", "tok", "sv")
    assert html.startswith('<form method="post" action="https://piiri.example/subscribe/tok"')
    assert 'name="email"' in html and 'name="first_name"' in html and 'name="last_name"' in html
    assert f'name="{guard.HONEYPOT}"' in html and "<script" not in html and "Prenumerera" in html
    assert page_url("https://piiri.example", "tok", "en") == "https://piiri.example/subscribe/tok?lang=en"


def test_m3_a_stamp_made_before_the_context_key_was_rotated_still_verifies():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    rotated = {**CONFIG, "CONTEXT_KEYS": "new-key,test-key"}
    assert guard.verdict(rotated, "tok", posted(stamp), now=T0 + 5) == guard.HUMAN
    assert guard.stamp(rotated, "tok", now=T0) != stamp  # the new key signs from now on
    assert (
        guard.verdict({**CONFIG, "CONTEXT_KEYS": "new-key"}, "tok", posted(stamp), now=T0 + 5) == guard.STALE
    )
