"""Serve the emulator over HTTPS on ``localhost`` in a thread, with a certificate made for it.

``createsend`` speaks only HTTPS and checks the server's certificate against a CA file; the emulator makes
a self-signed certificate for the DNS name ``localhost`` (``make_certificate``) and Piiri is given that
file as ``CAMPAIGN_MONITOR_CA_FILE`` (services/mailing/campaign_monitor.py). ``start`` returns a running
``EmulatorServer`` whose ``base_uri`` is what ``CAMPAIGN_MONITOR_BASE_URI`` must be; a timer thread
delivers webhook events and sends scheduled campaigns every ``tick`` seconds. With ``smtp`` (host, port)
the campaign mails are delivered to that SMTP server (delivery.py); ``deliver_to`` changes it later.
"""

import datetime
import ipaddress
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

from services.mailing.emulator.api import PREFIX, EmulatorApp
from services.mailing.emulator.delivery import Mailer
from services.mailing.emulator.state import Account
from services.mailing.emulator.webhooks import WebhookDeliverer


def make_certificate(directory):
    """A self-signed certificate and key for localhost in ``directory``: (cert path, key path)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "emulator-cert.pem", directory / "emulator-key.pem"
    if cert_path.exists() and key_path.exists():
        return str(cert_path), str(key_path)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(cert_path), str(key_path)


def smtp_target(text):
    """``HOST:PORT`` -> (host, port); empty -> None; ValueError naming the bad value."""
    text = str(text or "").strip()
    if not text:
        return None
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"the SMTP target must be HOST:PORT, not {text!r}")
    return host, int(port)


class EmulatorServer:
    def __init__(self, account, server, deliverer, cert_path, tick):
        self.account = account
        self.server = server
        self.deliverer = deliverer
        self.cert_path = cert_path
        self.tick = tick
        self.stopped = threading.Event()
        self.threads = [
            threading.Thread(target=server.serve_forever, name="cm-emulator", daemon=True),
            threading.Thread(target=self._timer, name="cm-emulator-timer", daemon=True),
        ]

    @property
    def port(self):
        return self.server.server_port

    @property
    def base_uri(self):
        return f"https://localhost:{self.port}{PREFIX}"

    @property
    def control_uri(self):
        return f"https://localhost:{self.port}/_emulator"

    def _timer(self):
        while not self.stopped.wait(self.tick):
            self.deliverer.deliver()
            self.account.release_scheduled()

    def deliver_to(self, host=None, port=None):
        """Deliver campaign mails to the SMTP server at ``host``:``port`` from now on; no host: none."""
        with self.account.lock:
            previous, self.account.mailer = (
                self.account.mailer,
                Mailer(self.account, host, port) if host else None,
            )
        if previous is not None:
            previous.stop()

    def stop(self):
        self.stopped.set()
        self.deliver_to(None)
        self.server.shutdown()
        self.server.server_close()


def start(api_key, client_id, cert_dir, host="127.0.0.1", port=0, tick=0.5, deactivate_after=5, smtp=None):
    """Start an emulator for one account; ``port`` 0 picks a free one; ``smtp`` (host, port) is where the
    campaign mails go (None: they are not delivered, only their recipients recorded)."""
    cert_path, key_path = make_certificate(cert_dir)
    account = Account(api_key, client_id)
    deliverer = WebhookDeliverer(account, deactivate_after=deactivate_after)
    app = EmulatorApp(account, deliverer.deliver)
    server = make_server(host, port, app, threaded=True, ssl_context=(cert_path, key_path))
    running = EmulatorServer(account, server, deliverer, cert_path, tick)
    for thread in running.threads:
        thread.start()
    if smtp:
        running.deliver_to(*smtp)
    return running
