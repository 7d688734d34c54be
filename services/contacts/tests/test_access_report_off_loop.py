"""Issue 12 item 2: the G3 access report's PDF is rendered in eventlet's thread pool, so the contacts
service's other calls keep running while it is drawn."""

import eventlet

from services.contacts.access_report import pdf, rpc

REAL_THREADING = eventlet.patcher.original("threading")


def test_issue12_item2_the_access_report_pdf_is_rendered_in_a_thread(monkeypatch):
    threads = []

    def render(made, language):
        threads.append(REAL_THREADING.get_ident())
        return b"%PDF-"

    monkeypatch.setattr(pdf, "render", render)
    assert rpc.render_body({"contact_id": "c1", "services": {}}, "pdf", "fi") == b"%PDF-"
    assert threads and threads[0] != REAL_THREADING.get_ident()


def test_g3_the_json_report_is_made_directly():
    body = rpc.render_body({"contact_id": "c1", "services": {}}, "json", "fi")
    assert body.startswith(b"{") and b"c1" in body
