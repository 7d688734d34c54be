"""Fixtures for cross-service tests: the whole system running in-process on the real broker and databases."""

import subprocess
from dataclasses import dataclass

import eventlet
import pytest
import requests


@dataclass
class System:
    base_url: str
    gateway_engine: object

    def create_user(self, username, password, role="staff"):
        from sqlalchemy.orm import Session

        from gateway.users import create_user

        with Session(self.gateway_engine) as session:
            return create_user(session, username=username, password=password, role=role)

    def token(self, username, password):
        response = requests.post(
            f"{self.base_url}/api/v1/auth/token", json={"username": username, "password": password}
        )
        assert response.status_code == 201, response.text
        return response.json()["token"]

    def api(self, token):
        """A requests session that sends the bearer token and prefixes the base URL."""
        return ApiClient(self.base_url, token)


class ApiClient(requests.Session):
    def __init__(self, base_url, token):
        super().__init__()
        self.base_url = base_url
        self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.base_url + url, *args, **kwargs)


def system_services():
    """Every service the whole-system tests run: contacts, audit and the gateway, and imports, exports,
    surveys, mailing and billing too: GDPR services (issues 14, 15, 16, 19), asked by every access report
    and erasure. The billing worker makes invoice runs; the contacts worker runs automations, the
    duplicate scan and the contacts service's other timers (issue 18)."""
    from gateway.service import GatewayService
    from services.audit.service import AuditService
    from services.billing.service import BillingService
    from services.billing.worker import BillingWorker
    from services.contacts.service import ContactsService
    from services.contacts.worker import ContactsWorker
    from services.exports.service import ExportsService
    from services.imports.service import ImportsService
    from services.mailing.service import MailingService
    from services.surveys.service import SurveysService

    return (
        ContactsService,
        ContactsWorker,
        AuditService,
        ImportsService,
        ExportsService,
        SurveysService,
        MailingService,
        BillingService,
        BillingWorker,
        GatewayService,
    )


def start_system(run_services, config, clean_databases, extra_config=None):
    run_services(*system_services(), extra_config=extra_config)
    return System(
        base_url=f"http://{config['WEB_SERVER_ADDRESS']}", gateway_engine=clean_databases["gateway"]
    )


@pytest.fixture
def system(request, run_services, config, clean_databases, shared_runner):
    """The whole system (system_services()) on the test broker vhost and test databases, shared by the
    tests of a module (SharedRunner in the root conftest.py: emptied databases, nothing left queued or
    running between two tests)."""
    shared_runner.start(config, system_services())
    yield System(base_url=f"http://{config['WEB_SERVER_ADDRESS']}", gateway_engine=clean_databases["gateway"])
    shared_runner.release(config["AMQP_URI"], keep="broken_audit_path" not in request.fixturenames)


LIMESURVEY_USER, LIMESURVEY_PASSWORD = "piiri", "secret"


def limesurvey_emulator(sid, title, questions=(("kaupunki", "Kaupunki"),), **survey):
    """(server, settings): the project's LimeSurvey emulator serving one survey, and the surveys service's
    configuration pointing at it (no background sync: a test brings a survey in step itself). The caller
    shuts the server down."""
    from emulators.limesurvey.server import serve
    from emulators.limesurvey.state import Installation

    installation = Installation(users={LIMESURVEY_USER: LIMESURVEY_PASSWORD})
    installation.add_survey(sid, title, questions=list(questions), **survey)
    server = serve(installation)
    settings = {
        "LIMESURVEY_URL": server.url,
        "LIMESURVEY_USER": LIMESURVEY_USER,
        "LIMESURVEY_PASSWORD": LIMESURVEY_PASSWORD,
        "SURVEY_SYNC_SECONDS": 0,
    }
    return server, settings


EINVOICE_KEY = "test-einvoice-key"


@pytest.fixture
def einvoice_operator():
    """The project's e-invoice operator emulator (emulators/einvoice/) on a free port."""
    from emulators.einvoice.operator import serve

    server = serve(EINVOICE_KEY)
    yield server
    server.shutdown()


def einvoice_settings(operator):
    """The billing configuration that points at ``operator``."""
    return {"BILLING_EINVOICE_URL": operator.url, "BILLING_EINVOICE_KEY": EINVOICE_KEY}


@pytest.fixture
def smtp():
    """The project's SMTP emulator (emulators/smtp/) on a free port; its ``mailbox`` holds what arrived."""
    from emulators.smtp.server import serve

    running = serve()
    yield running
    running.stop()


def subscribe_settings(smtp, engines, **extra):
    """Subscription forms (M3) ready to test: the built-in processing purposes seeded (a list's purpose,
    a confirmation's consent) and the configuration that sends the confirmation mails to ``smtp``, with a
    one-second minimum fill time for the hosted page; ``extra`` adds or overrides settings."""
    from tests.integration.test_data_protection import seed_purposes

    seed_purposes(engines)
    return {
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": smtp.smtp_port,
        "SMTP_FROM": "posti@piiri.example",
        "SMTP_FROM_NAME": "Testiyhdistys ry",
        "SUBSCRIBE_MIN_FILL_SECONDS": 1,
        **extra,
    }


ADMIN_PASSWORD = "correct horse battery"
BROKEN_POLICY = "piiri-audit-broken"


def break_audit_path(vhost):
    """Make the broker refuse every audit record (a full audit queue that rejects publishes)."""
    policy = '{"max-length":0,"overflow":"reject-publish"}'
    subprocess.run(
        [
            "rabbitmqctl",
            "set_policy",
            "-p",
            vhost,
            "--apply-to",
            "queues",
            BROKEN_POLICY,
            r"^piiri\.audit\.records$",
            policy,
        ],
        check=True,
        capture_output=True,
    )
    eventlet.sleep(0.5)


def heal_audit_path(vhost):
    subprocess.run(
        ["rabbitmqctl", "clear_policy", "-p", vhost, BROKEN_POLICY], check=True, capture_output=True
    )
    eventlet.sleep(0.5)


@pytest.fixture
def vhost(config):
    return config["AMQP_URI"].rsplit("/", 1)[-1]


@pytest.fixture
def broken_audit_path(vhost):
    break_audit_path(vhost)
    yield
    heal_audit_path(vhost)


@pytest.fixture
def admin_api(system):
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    return system.api(system.token("admin", ADMIN_PASSWORD))
