"""Serve the emulator over HTTPS on ``localhost`` in a thread, with a certificate made for it.

``createsend`` speaks only HTTPS and checks the server's certificate against a CA file; the emulator makes
a self-signed certificate for the DNS name ``localhost`` (``make_certificate``) and Piiri is given that
file as ``CAMPAIGN_MONITOR_CA_FILE`` (services/mailing/campaign_monitor.py). ``start`` returns a running
``EmulatorServer`` whose ``base_uri`` is what ``CAMPAIGN_MONITOR_BASE_URI`` must be; a timer thread
delivers webhook events and sends scheduled campaigns every ``tick`` seconds.
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

    def stop(self):
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()


def start(api_key, client_id, cert_dir, host="127.0.0.1", port=0, tick=0.5, deactivate_after=5):
    """Start an emulator for one account; ``port`` 0 picks a free one."""
    cert_path, key_path = make_certificate(cert_dir)
    account = Account(api_key, client_id)
    deliverer = WebhookDeliverer(account, deactivate_after=deactivate_after)
    app = EmulatorApp(account, deliverer.deliver)
    server = make_server(host, port, app, threaded=True, ssl_context=(cert_path, key_path))
    running = EmulatorServer(account, server, deliverer, cert_path, tick)
    for thread in running.threads:
        thread.start()
    return running
