#!/usr/bin/env python
"""I2 benchmark: exports through the job, end to end (API -> exports -> worker -> contacts.export_page ->
format -> file chunks -> download): 100,000 contacts to .xlsx and 10,000 to a label PDF. Prints seconds,
the worker's peak RSS after each job, and the ratio of the .xlsx job to bare openpyxl writing the same
rows (read straight from the database). Targets: xlsx under 20 s, labels under 10 s, memory flat.

    .venv/bin/python bench/export_bench.py            # seed 100,000 contacts; xlsx of all, labels of 10,000
    .venv/bin/python bench/export_bench.py --reuse    # keep the seeded contacts if there are N of them
    .venv/bin/python bench/export_bench.py --smoke    # 500 contacts, 200 labels, no targets (CI)

`piiri run` (contacts, audit, gateway, exports) and a separate `piiri run --services export_worker`, so the
worker's memory is its own. Own databases (piiri_exportbench_*), vhost (piiri_exportbench) and port 8108;
--smoke: piiri_exportbench_smoke_*, vhost piiri_exportbench_smoke, port 8107. Exit status 1 when a target
is missed (never with --smoke).
"""

import argparse
import io
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Server,
    apply_env,
    contacts_engine,
    ensure_admin,
    isolated_env,
    memory_kb,
    piiri_executable,
    port_in_use,
    reseed_contacts,
    scalar,
    start_setup,
    token_for,
    wait_for_health,
)

PREFIX, VHOST, PORT = "piiri_exportbench", "piiri_exportbench", 8108
SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT = "piiri_exportbench_smoke", "piiri_exportbench_smoke", 8107
XLSX_TARGET_SECONDS = 20.0
LABELS_TARGET_SECONDS = 10.0
COLUMNS = ["display_name", "first_name", "last_name", "email", "phone", "street", "postal_code", "city",
           "birth_date", "language", "tags"]  # fmt: skip


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--contacts", type=int, default=100_000, help="contacts in the .xlsx (default 100,000)"
    )
    parser.add_argument("--labels", type=int, default=10_000, help="contacts on labels (default 10,000)")
    parser.add_argument("--reuse", action="store_true", help="skip seeding if there are N contacts already")
    parser.add_argument("--smoke", action="store_true", help="500 contacts, 200 labels, no targets")
    args = parser.parse_args(argv)
    if args.smoke:
        args.contacts, args.labels = 500, 200
        args.prefix, args.vhost, args.port = SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT
    else:
        args.prefix, args.vhost, args.port = PREFIX, VHOST, PORT
    return args


def prepare(args, env, piiri):
    start_setup(args, env, piiri)
    engine = contacts_engine()
    contacts = scalar(engine, "SELECT count(*) FROM contacts")
    if args.reuse and contacts == args.contacts:
        print(f"  --reuse: {contacts:,} contacts already there, not seeding")
    else:
        reseed_contacts(piiri, env, engine, args.contacts)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) contacts")
    ensure_admin(piiri, env)
    return engine


def peak_rss_mb(pid):
    """The process's peak resident set (VmHWM) in MB."""
    return memory_kb(pid, "VmHWM") / 1024


def current_rss_mb(pid):
    return memory_kb(pid) / 1024


def run_job(http, base_url, body, timeout):
    """Start the job, wait until done, download the file: (seconds, job, bytes)."""
    started = time.perf_counter()
    response = http.post(f"{base_url}/api/v1/exports", json=body, timeout=60)
    if response.status_code != 202:
        raise SystemExit(f"bench: starting the export -> {response.status_code}: {response.text[:300]}")
    job_id = response.json()["id"]
    deadline = time.monotonic() + timeout
    while True:
        job = http.get(f"{base_url}/api/v1/exports/{job_id}", timeout=30).json()
        if job["status"] in ("done", "failed"):
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: the export did not finish in {timeout} s: {job}")
        time.sleep(0.05)
    if job["status"] != "done":
        raise SystemExit(f"bench: the export failed: {job['error']}")
    file = http.get(f"{base_url}/api/v1/exports/{job_id}/file", timeout=120)
    return time.perf_counter() - started, job, file.content


def bare_openpyxl_seconds(engine, count):
    """Bare openpyxl (write-only) writing the same columns of the same rows, read straight from SQL."""
    from openpyxl import Workbook
    from sqlalchemy import text

    names = [name for name in COLUMNS if name != "display_name"]
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Piiri")
    sheet.append(COLUMNS)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=2000).execute(
            text(f"SELECT {', '.join(names)} FROM contacts ORDER BY sort_name, id LIMIT :n"), {"n": count}
        )
        for row in result:
            values = list(row)
            display = " ".join(part for part in (values[0], values[1]) if part)
            values[-1] = ", ".join(values[-1] or [])
            sheet.append([display, *values])
    workbook.save(io.BytesIO())
    return time.perf_counter() - started


def main(argv=None):
    warnings.filterwarnings("ignore")
    args = parse_args(argv)
    env = isolated_env(args.prefix, args.vhost, f"127.0.0.1:{args.port}")
    apply_env(env)
    piiri = piiri_executable()
    if port_in_use("127.0.0.1", args.port):
        raise SystemExit(f"bench: port {args.port} is in use")
    engine = prepare(args, env, piiri)
    base_url = f"http://127.0.0.1:{args.port}"
    logs = Path(tempfile.mkdtemp(prefix="piiri-export-bench-"))
    server = Server(
        [piiri, "run", "--services", "contacts,audit,gateway,exports"], env, logs / "run.log"
    ).start()
    worker = Server([piiri, "run", "--services", "export_worker"], env, logs / "worker.log").start()
    failed = []
    try:
        wait_for_health(base_url, server)
        import requests

        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token_for(base_url)}"
        time.sleep(1.0)  # the worker's consumer is up
        idle = current_rss_mb(worker.process.pid)
        count = scalar(engine, "SELECT count(*) FROM contacts")
        print(f"\n{count:,} contacts; worker RSS idle {idle:.0f} MB\n", flush=True)

        xlsx_body = {"format": "xlsx", "selection": {"kind": "search"}, "columns": COLUMNS}
        xlsx_seconds, xlsx_job, xlsx_file = run_job(http, base_url, xlsx_body, timeout=600)
        xlsx_peak = peak_rss_mb(worker.process.pid)
        bare = bare_openpyxl_seconds(engine, count)

        from sqlalchemy import text

        with engine.connect() as conn:
            ids = [str(value) for value in conn.execute(
                text("SELECT id FROM contacts ORDER BY id LIMIT :n"), {"n": args.labels}
            ).scalars()]  # fmt: skip
        labels_body = {"format": "labels", "selection": {"kind": "ids", "ids": ids}, "options": {}}
        labels_seconds, labels_job, labels_file = run_job(http, base_url, labels_body, timeout=600)
        labels_peak = peak_rss_mb(worker.process.pid)

        print("export\trows\tseconds\tMB file\tworker peak RSS MB\tratio to bare openpyxl\ttarget")
        xlsx_ok = xlsx_seconds < XLSX_TARGET_SECONDS
        labels_ok = labels_seconds < LABELS_TARGET_SECONDS
        print(
            f"xlsx (job, end to end)\t{xlsx_job['rows_written']:,}\t{xlsx_seconds:.2f}\t"
            f"{len(xlsx_file) / 1e6:.1f}\t{xlsx_peak:.0f}\t{xlsx_seconds / bare:.2f}\t"
            f"<{XLSX_TARGET_SECONDS:.0f} s {'ok' if xlsx_ok else 'MISSED'}"
        )
        print(f"xlsx (bare openpyxl)\t{count:,}\t{bare:.2f}\t\t\t1.00\t")
        print(
            f"labels (job, end to end)\t{labels_job['rows_written']:,}\t{labels_seconds:.2f}\t"
            f"{len(labels_file) / 1e6:.1f}\t{labels_peak:.0f}\t\t"
            f"<{LABELS_TARGET_SECONDS:.0f} s {'ok' if labels_ok else 'MISSED'}"
        )
        print(f"\nworker RSS: idle {idle:.0f} MB, peak after xlsx {xlsx_peak:.0f} MB, ", end="")
        print(f"after labels {labels_peak:.0f} MB")
        if not xlsx_file.startswith(b"PK") or not labels_file.startswith(b"%PDF"):
            raise SystemExit("bench: the files are not an .xlsx and a PDF")
        if not xlsx_ok:
            failed.append("xlsx")
        if not labels_ok:
            failed.append("labels")
    finally:
        worker.stop()
        server.stop()
    if failed and not args.smoke:
        print(f"missed targets: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
