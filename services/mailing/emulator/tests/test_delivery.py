"""The emulator's campaign mails (delivery.py) without a network: the personalisation tags and a server
that refuses one recipient's mail with a 5xx at RCPT or at the end of DATA (a hard bounce, the others
still delivered)."""

import smtplib

import pytest

from services.mailing.emulator import delivery
from services.mailing.emulator.state import Account

SEND = dict(subject="Hei", from_name="Piiri ry", from_email="piiri@example.fi", reply_to="piiri@example.fi")


def recipient(email, name="", **custom):
    return delivery.Recipient(email, name, custom)


def test_m1_the_tags_take_the_subscribers_values_escaped_in_the_html_part():
    send = delivery.Send(
        "c1",
        html="<p>[fullname,fallback=ystävä] [Jasennumero,fallback=-] [muu]</p>",
        text="[firstname] [lastname] [email] [Jasennumero,fallback=-]",
        recipients=(),
        **SEND,
    )
    mail = delivery.render(send, recipient("a@example.fi", "Aino <Aalto>", Jasennumero="A&1"))
    assert mail.get_body(("plain",)).get_content().strip() == "Aino <Aalto> a@example.fi A&1"
    assert "<p>Aino &lt;Aalto&gt; A&amp;1 [muu]</p>" in mail.get_body(("html",)).get_content()
    fallback = delivery.render(send, recipient("b@example.fi", Jasennumero=""))
    assert "<p>ystävä - [muu]</p>" in fallback.get_body(("html",)).get_content()


class RefusingServer:
    """smtplib.SMTP's stand-in: refuses the mail to ``refused`` with ``error``; keeps what it accepted."""

    def __init__(self, refused, error):
        self.refused, self.error = refused, error
        self.accepted = []

    def __call__(self, host, port, timeout):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message, from_addr, to_addrs):
        if to_addrs == [self.refused]:
            raise self.error
        self.accepted.append(to_addrs[0])

    def rset(self):
        pass


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"pois@example.fi": (550, b"5.1.1 User unknown")}),
        smtplib.SMTPDataError(554, b"5.7.1 Message rejected"),
    ],
    ids=["at RCPT", "at DATA"],
)
def test_m1_a_5xx_for_one_recipient_is_their_hard_bounce_and_the_others_get_theirs(monkeypatch, error):
    server = RefusingServer("pois@example.fi", error)
    monkeypatch.setattr(delivery.smtplib, "SMTP", server)
    account = Account("key", "client")
    mailer = delivery.Mailer(account, "127.0.0.1", 25, retries=0)
    try:
        addresses = ("a@example.fi", "pois@example.fi", "c@example.fi")
        mailer.deliver(
            delivery.Send("c1", html="", text="Hei", recipients=tuple(map(recipient, addresses)), **SEND)
        )
    finally:
        mailer.stop()
    assert server.accepted == ["a@example.fi", "c@example.fi"]
    assert account.deliveries["c1"] == {"sent": 2, "bounced": 1, "failed": 0, "error": None}
