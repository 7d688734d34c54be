"""Issue 12 item 2: the gateway's CPU-heavy work (argon2 password hashing and checking, the access
report's PDF) runs in eventlet's thread pool, so other requests' greenlets keep running meanwhile."""

import eventlet
from argon2 import PasswordHasher

from gateway import access_pdf, access_report, users
from gateway.gdpr import GdprCalls

REAL_THREADING = eventlet.patcher.original("threading")
PASSWORD = "pitkä ja hyvä salasana"


def ticks_during(work):
    """How many times another greenlet ran (1 ms sleeps) while ``work()`` ran in this one."""
    ticks = [0]
    running = [True]

    def ticker():
        while running[0]:
            ticks[0] += 1
            eventlet.sleep(0.001)

    thread = eventlet.spawn(ticker)
    eventlet.sleep(0)
    try:
        result = work()
    finally:
        running[0] = False
        thread.wait()
    return ticks[0], result


def test_issue12_item2_argon2_runs_in_a_thread_and_other_greenlets_run_meanwhile(monkeypatch):
    threads = []
    original = PasswordHasher.verify

    def spy(self, hash, password):  # noqa: A002
        threads.append(REAL_THREADING.get_ident())
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    stored = users.HASHER.hash(PASSWORD)
    ticks, verified = ticks_during(lambda: [users.HASHER.verify(stored, PASSWORD) for _ in range(3)])
    assert verified == [True, True, True]
    assert threads and all(ident != REAL_THREADING.get_ident() for ident in threads)
    assert ticks >= 3, ticks  # in the request greenlet the ticker would not have run at all


def test_issue12_item2_the_access_report_pdf_is_rendered_in_a_thread(monkeypatch):
    threads, audited = [], []

    def render(report, language):
        threads.append(REAL_THREADING.get_ident())
        return b"%PDF-"

    monkeypatch.setattr(access_pdf, "render", render)
    monkeypatch.setattr(access_report, "report_services", lambda config: [])
    monkeypatch.setattr(access_report, "gather", lambda *args: {"contact_id": "c1", "services": {}})
    monkeypatch.setattr(access_report, "file_name", lambda report, fmt: f"report.{fmt}")

    class Gateway(GdprCalls):
        config = {}
        call = None

        class audit_trail:
            @staticmethod
            def read(*args, **kwargs):
                audited.append(args)

    class Principal:
        user = {"username": "dpo"}
        actor = "dpo"

    body, mimetype, name = Gateway().access_report_file(Principal(), "c1", "pdf", "fi")
    assert body == b"%PDF-" and mimetype == "application/pdf" and audited
    assert threads and threads[0] != REAL_THREADING.get_ident()
