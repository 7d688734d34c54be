"""B3 (issue 14): the pure rules of transactional mail: SMTP settings, the message with its Message-ID,
VERP return path, attachment and DKIM signature, reading SMTP refusals, the retry schedule, and reading
delivery status notifications (RFC 3464)."""

import smtplib
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from emulators.smtp.dsn import make_dsn
from services.mailing.transactional import rules

MAIL_ID = uuid.UUID("6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a10")
BASE = {"SMTP_HOST": "smtp.example.fi", "SMTP_FROM": "laskutus@yhdistys.fi", "SMTP_FROM_NAME": "Yhdistys ry"}


def a_mail(**changes):
    return {
        "id": MAIL_ID,
        "recipient": "maija.meikalainen@example.fi",
        "subject": "Lasku 1001 – Yhdistys ry",
        "body": "Hei Maija,\n\nMaksettava yhteensä: 50,00 €\n",
        "language": "fi",
        "message_id": rules.new_message_id(MAIL_ID, "yhdistys.fi"),
        **changes,
    }


def test_b3_settings_default_their_port_by_security_and_name_the_setting_that_is_wrong():
    settings = rules.settings_from({**BASE, "SMTP_SECURITY": "starttls"})
    assert (settings.port, settings.bounce_domain, settings.dkim_selector) == (587, "yhdistys.fi", "")
    assert rules.settings_from({**BASE, "SMTP_SECURITY": "tls"}).port == 465
    for broken, setting in (
        ({"SMTP_HOST": ""}, "SMTP_HOST"),
        ({"SMTP_SECURITY": "ssl3"}, "SMTP_SECURITY"),
        ({"SMTP_FROM": "nobody"}, "SMTP_FROM"),
        ({"SMTP_DKIM_SELECTOR": "piiri", "SMTP_DKIM_KEY_FILE": "/nonexistent.pem"}, "SMTP_DKIM_KEY_FILE"),
    ):
        with pytest.raises(rules.NotConfigured) as wrong:
            rules.settings_from({**BASE, **broken})
        assert wrong.value.args[0] == setting


def test_b3_verp_and_message_id_carry_the_mail_id_both_ways():
    address = rules.verp_address(MAIL_ID, "yhdistys.fi")
    assert address == f"bounce+{MAIL_ID}@yhdistys.fi"
    assert rules.mail_id_of_verp(f"<{address}>") == MAIL_ID
    assert rules.mail_id_of_verp("laskutus@yhdistys.fi") is None
    assert rules.mail_id_of_message_id(rules.new_message_id(MAIL_ID, "yhdistys.fi")) == MAIL_ID


def test_b3_the_message_has_its_headers_text_and_the_pdf_attached():
    settings = rules.settings_from({**BASE, "SMTP_REPLY_TO": "rahastonhoitaja@yhdistys.fi"})
    built = rules.build(
        a_mail(),
        settings,
        [("lasku-1001.pdf", "application/pdf", b"%PDF-1.4 x")],
        datetime(2027, 1, 2, tzinfo=UTC),
    )
    parsed = message_from_bytes(built.as_bytes(), policy=policy.default)
    assert parsed["From"] == "Yhdistys ry <laskutus@yhdistys.fi>"
    assert parsed["Reply-To"] == "rahastonhoitaja@yhdistys.fi"
    assert parsed["Subject"] == "Lasku 1001 – Yhdistys ry"
    assert parsed["Message-ID"] == f"<{MAIL_ID}.piiri@yhdistys.fi>"
    assert "50,00 €" in parsed.get_body(("plain",)).get_content()
    [attachment] = list(parsed.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content()) == ("lasku-1001.pdf", b"%PDF-1.4 x")


def headers_and_text(raw):
    parsed = message_from_bytes(raw, policy=policy.default)
    return [(name, str(value)) for name, value in parsed.items()], parsed.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "settings, mail",
    [
        (BASE, a_mail()),
        ({**BASE, "SMTP_FROM_NAME": "Ålands förening", "SMTP_REPLY_TO": "hallitus@yhdistys.fi"}, a_mail()),
        (
            {**BASE, "SMTP_FROM_NAME": ""},
            a_mail(subject="Plain ASCII " * 12, body="ascii only\n", language="sv"),
        ),
        (BASE, a_mail(subject="Jäsenmaksusi vuodelle 2027 – muistutus ja ohjeet " * 3, body="Hei\r\nrivi")),
    ],
)
def test_b3_a_plain_mail_written_directly_is_the_email_packages_message(settings, mail):
    settings = rules.settings_from(settings)
    when = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    fast = rules.message_bytes(mail, settings, [], when)
    assert headers_and_text(fast) == headers_and_text(rules.build(mail, settings, [], when).as_bytes())
    assert all(len(line) <= 78 for line in fast.split(b"\r\n"))
    assert message_from_bytes(fast)["Content-Language"] == mail["language"]


def test_b3_a_sender_name_with_a_comma_and_a_non_ascii_letter_stays_whole():
    """(The email package splits it: '"Yhdistys ry", Åland <…>'.)"""
    settings = rules.settings_from({**BASE, "SMTP_FROM_NAME": "Yhdistys ry, Åland"})
    raw = rules.message_bytes(a_mail(), settings, [], datetime(2027, 1, 2, tzinfo=UTC))
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["From"].addresses[0].display_name == "Yhdistys ry, Åland"


def test_b3_long_lines_attachments_and_line_breaks_in_headers_go_through_the_email_package():
    settings, when = rules.settings_from(BASE), datetime(2027, 1, 2, tzinfo=UTC)
    long_line = a_mail(body="Viitenumero " + "1234 " * 30 + "\n")
    raw = rules.message_bytes(long_line, settings, [], when)
    assert raw == rules.build(long_line, settings, [], when).as_bytes()
    assert b"Content-Transfer-Encoding: quoted-printable" in raw
    attached = rules.message_bytes(a_mail(), settings, [("a.pdf", "application/pdf", b"%PDF")], when)
    assert message_from_bytes(attached)["Content-Language"] == "fi"  # set after the content: kept
    assert [part.get_filename() for part in message_from_bytes(attached).walk()][-1] == "a.pdf"
    with pytest.raises(ValueError):
        rules.message_bytes(a_mail(subject="Lasku\r\nBcc: kaikki@example.fi"), settings, [], when)


def test_b3_with_a_key_the_message_is_dkim_signed_and_verifies(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    (tmp_path / "dkim.pem").write_bytes(pem)
    settings = rules.settings_from(
        {**BASE, "SMTP_DKIM_SELECTOR": "piiri", "SMTP_DKIM_KEY_FILE": str(tmp_path / "dkim.pem")}
    )
    raw = rules.sign(rules.message_bytes(a_mail(), settings, [], datetime.now(UTC)), settings)
    assert raw.startswith(b"DKIM-Signature:") and b"d=yhdistys.fi" in raw and b"s=piiri" in raw
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    record = b"v=DKIM1; k=rsa; p=" + __import__("base64").b64encode(public)
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record)


def test_b3_a_5xx_at_rcpt_or_data_is_a_hard_bounce_and_everything_else_is_tried_again():
    refused = smtplib.SMTPRecipientsRefused({"x@bounce.example": (550, b"5.1.1 User unknown")})
    assert rules.classify(refused) == (rules.HARD, "550 5.1.1 User unknown")
    assert rules.classify(smtplib.SMTPDataError(554, b"5.7.1 Rejected"))[0] == rules.HARD
    assert rules.classify(smtplib.SMTPRecipientsRefused({"x@y": (450, b"busy")}))[0] == rules.TRANSIENT
    assert rules.classify(smtplib.SMTPSenderRefused(421, b"down", "a@b"))[0] == rules.TRANSIENT
    assert rules.classify(ConnectionRefusedError(111, "refused"))[0] == rules.TRANSIENT
    assert rules.classify(smtplib.SMTPServerDisconnected("gone"))[0] == rules.TRANSIENT


def test_b3_the_wait_doubles_up_to_its_ceiling():
    settings = rules.settings_from({**BASE, "SMTP_BACKOFF_SECONDS": "30", "SMTP_BACKOFF_MAX_SECONDS": "100"})
    assert [rules.next_wait(n, settings) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_b3_a_dsn_is_matched_by_its_verp_address_or_by_the_returned_message_id():
    original = rules.build(
        a_mail(recipient="poissa@dsn.example"), rules.settings_from(BASE), [], datetime.now(UTC)
    )
    dsn = make_dsn(rules.verp_address(MAIL_ID, "yhdistys.fi"), "poissa@dsn.example", original.as_bytes())
    [bounce] = rules.parse_dsn(dsn)
    assert (bounce.mail_id, bounce.recipient, bounce.status, bounce.hard) == (
        MAIL_ID,
        "poissa@dsn.example",
        "5.1.1",
        True,
    )
    assert "User unknown" in bounce.diagnostic
    elsewhere = make_dsn("postmaster@yhdistys.fi", "poissa@dsn.example", original.as_bytes())
    assert rules.parse_dsn(elsewhere)[0].mail_id == MAIL_ID  # by the Message-ID of the returned headers


def test_b3_a_delay_notice_is_not_a_hard_bounce_and_a_plain_message_is_not_a_dsn():
    original = rules.build(a_mail(), rules.settings_from(BASE), [], datetime.now(UTC)).as_bytes()
    delayed = make_dsn(rules.verp_address(MAIL_ID, "x.fi"), "a@b.fi", original, status="4.4.1").replace(
        b"Action: failed", b"Action: delayed"
    )
    assert not rules.parse_dsn(delayed)[0].hard
    for not_a_dsn in (original, b"", b"garbage"):
        with pytest.raises(ValueError):
            rules.parse_dsn(not_a_dsn)
