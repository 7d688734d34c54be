#!/usr/bin/env python
"""B4 benchmark: a camt.054 file of 100,000 reference payments against 1,000,000 open invoices, uploaded
through the API (gateway -> billing), parsed, stored and matched in one transaction. Target: 30 s.

    .venv/bin/python bench/bank_file_bench.py            # 1,000,000 invoices, 100,000 payments
    .venv/bin/python bench/bank_file_bench.py --reuse    # keep the invoices if there are N of them
    .venv/bin/python bench/bank_file_bench.py --smoke    # 2,000 invoices, 500 payments, no target (CI)

The payments: 90 % pay an invoice in full, 4 % partly, 3 % over, 3 % carry a reference that no invoice
has; they come in batched entries of 1,000 transactions (as Finnish banks book reference payments). The
same file is then uploaded again: every payment is a duplicate and nothing changes. Printed: seconds and
payments/s of each upload, and the ratio of the first to the bare floor (lxml parsing the file plus
COPY of the same rows into an unindexed table). Own databases (piiri_bankbench_*), vhost (piiri_bankbench)
and port 8114; --smoke: piiri_bankbench_smoke_*, vhost piiri_bankbench_smoke, port 8113. Exit status 1
when the target is missed (never with --smoke).
"""

import argparse
import io
import random
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Server,
    apply_env,
    ensure_admin,
    isolated_env,
    piiri_executable,
    port_in_use,
    scalar,
    start_setup,
    token_for,
    wait_for_health,
)

PREFIX, VHOST, PORT = "piiri_bankbench", "piiri_bankbench", 8114
SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT = "piiri_bankbench_smoke", "piiri_bankbench_smoke", 8113
TARGET_SECONDS = 30.0
IBAN = "FI2112345600000785"
BATCH = 1000  # transactions per entry
NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=1_000_000, help="open invoices (default 1,000,000)")
    parser.add_argument(
        "--payments", type=int, default=100_000, help="payments in the file (default 100,000)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the invoices if there are N already")
    parser.add_argument("--smoke", action="store_true", help="2,000 invoices, 500 payments, no target")
    args = parser.parse_args(argv)
    if args.smoke:
        args.invoices, args.payments = 2_000, 500
        args.prefix, args.vhost, args.port = SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT
    else:
        args.prefix, args.vhost, args.port = PREFIX, VHOST, PORT
    return args


def billing_engine():
    from piiri.config import database_url, load_config
    from piiri.db import make_engine

    return make_engine(database_url(load_config(), "billing"), pool_size=1)


def amount_of(number):
    return Decimal(20 + number % 80) + Decimal(number % 100) / 100


def seed_invoices(engine, count):
    """``count`` open invoices numbered 1..count, each with its Finnish and RF reference, by COPY."""
    from sqlalchemy import text

    from services.billing.references import rules as references

    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE invoices, payments, bank_files CASCADE"))
        conn.execute(text("DELETE FROM number_counters WHERE series = 'invoice'"))
        cursor = conn.connection.driver_connection.cursor()
        columns = (
            "number, status, payer_name, language, delivery, invoice_date, due_date, reference,"
            " rf_reference, net_total, vat_total, total"
        )
        with cursor.copy(f"COPY invoices ({columns}) FROM STDIN") as copy:
            for number in range(1, count + 1):
                reference = references.national(number + 1000)
                total = amount_of(number)
                copy.write_row(
                    (
                        number,
                        "open",
                        f"Maksaja {number}",
                        "fi",
                        "print",
                        date(2027, 1, 15),
                        date(2027, 2, 15),
                        reference,
                        references.rf(reference),
                        total,
                        Decimal("0.00"),
                        total,
                    )
                )
        conn.execute(text("INSERT INTO number_counters VALUES ('invoice', :n)"), {"n": count + 1})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) invoices")
    print(f"  seeded {count:,} invoices: {time.perf_counter() - started:.1f} s", flush=True)


def payment_rows(invoices, payments, seed=7):
    """(reference, amount, payer name, payer IBAN) of each payment, and how many should match."""
    from services.billing.references import rules as references

    chooser = random.Random(seed)
    numbers = chooser.sample(range(1, invoices + 1), payments)
    rows, matched = [], 0
    for index, number in enumerate(numbers):
        total = amount_of(number)
        share = index % 100
        if share < 3:
            reference = references.national(invoices + 10_000 + index)  # valid, but no invoice has it
        else:
            matched += 1
            reference = references.national(number + 1000)
            total = total / 2 if share < 7 else total + 5 if share < 10 else total
        rows.append((reference, total.quantize(Decimal("0.01")), f"Maksaja {number}", "FI4950009420028730"))
    return rows, matched


def camt054(rows):
    """The payments as one camt.054 notification, in entries of BATCH transactions."""
    out = io.StringIO()
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS}"><BkToCstmrDbtCdtNtfctn>')
    out.write("<GrpHdr><MsgId>BENCH1</MsgId><CreDtTm>2027-02-01T08:00:00</CreDtTm></GrpHdr>")
    out.write(f"<Ntfctn><Id>BENCH1</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id></Acct>")
    booked = date(2027, 2, 1)
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        total = sum(amount for _, amount, _, _ in batch)
        day = (booked + timedelta(days=start // (BATCH * 10))).isoformat()
        out.write(
            f'<Ntry><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
            f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            f"<AcctSvcrRef>BENCH{start // BATCH:06d}</AcctSvcrRef><NtryDtls>"
        )
        for reference, amount, name, iban in batch:
            out.write(
                f'<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>'
                f"<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>"
                f"</RltdPties><RmtInf><Strd><CdtrRefInf><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf>"
                "</TxDtls>"
            )
        out.write("</NtryDtls></Ntry>")
    out.write("</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>")
    return out.getvalue().encode()


def bare_floor_seconds(engine, data):
    """lxml parsing the file (as the service does) plus COPY of the same rows into an unindexed table."""
    from services.billing.bank_files import camt

    started = time.perf_counter()
    found = camt.parse(data, "bench.xml")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TEMP TABLE bare_payments (archive_id text, booked_on date, amount numeric(12, 2),"
            " reference text, payer_name text, payer_iban text) ON COMMIT DROP"
        )
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy("COPY bare_payments FROM STDIN") as copy:
            for payment in found:
                copy.write_row(
                    (
                        payment.archive_id,
                        payment.booked_on,
                        payment.amount,
                        payment.reference,
                        payment.payer_name,
                        payment.payer_iban,
                    )
                )
    return time.perf_counter() - started


def upload(http, base_url, data):
    started = time.perf_counter()
    response = http.post(
        f"{base_url}/api/v1/billing/bank-files",
        files={"file": ("bench_camt054.xml", data, "application/xml")},
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if response.status_code not in (200, 201):
        raise SystemExit(f"bench: the upload -> {response.status_code}: {response.text[:500]}")
    return seconds, response.json()


def main(argv=None):
    warnings.filterwarnings("ignore")
    args = parse_args(argv)
    env = isolated_env(args.prefix, args.vhost, f"127.0.0.1:{args.port}")
    env.update(
        PIIRI_BILLING_IBAN=IBAN, PIIRI_BILLING_ACCOUNTS=IBAN, PIIRI_BILLING_PAYEE_BUSINESS_ID="1234567-8"
    )
    apply_env(env)
    piiri = piiri_executable()
    if port_in_use("127.0.0.1", args.port):
        raise SystemExit(f"bench: port {args.port} is in use")
    start_setup(args, env, piiri)
    engine = billing_engine()
    if args.reuse and scalar(engine, "SELECT count(*) FROM invoices") == args.invoices:
        with engine.begin() as conn:  # back to every invoice open, no payments
            conn.exec_driver_sql("TRUNCATE payments, bank_files, outbox")
            conn.exec_driver_sql(
                "UPDATE invoices SET status = 'open', paid_amount = 0, paid_on = NULL WHERE paid_amount <> 0"
            )
        print(f"  --reuse: {args.invoices:,} invoices already there, payments emptied")
    else:
        seed_invoices(engine, args.invoices)
    ensure_admin(piiri, env)
    rows, expected_matched = payment_rows(args.invoices, args.payments)
    data = camt054(rows)
    print(f"  the file: {len(data) / 1e6:.1f} MB, {len(rows):,} payments", flush=True)

    logs = Path(tempfile.mkdtemp(prefix="piiri-bank-bench-"))
    server = Server([piiri, "run", "--services", "contacts,audit,gateway,billing"], env, logs / "run.log")
    server.start()
    failed = False
    try:
        wait_for_health(f"http://127.0.0.1:{args.port}", server)
        import requests

        base_url = f"http://127.0.0.1:{args.port}"
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token_for(base_url)}"
        first_seconds, first = upload(http, base_url, data)
        again_seconds, again = upload(http, base_url, data)
        bare = bare_floor_seconds(engine, data)
        paid = scalar(engine, "SELECT count(*) FROM invoices WHERE status IN ('paid', 'overpaid')")
        partly = scalar(engine, "SELECT count(*) FROM invoices WHERE status = 'partly_paid'")
        print(f"\n{args.invoices:,} invoices; {len(rows):,} payments in {len(data) / 1e6:.1f} MB\n")
        print("upload\tseconds\tpayments/s\tnew\tduplicate\tmatched\tunmatched\tratio to bare\ttarget")
        ok = first_seconds <= TARGET_SECONDS
        print(
            f"first\t{first_seconds:.2f}\t{len(rows) / first_seconds:,.0f}\t{first['new']:,}\t"
            f"{first['duplicate']:,}\t{first['matched']:,}\t{first['unmatched']:,}\t"
            f"{first_seconds / bare:.1f}\t<={TARGET_SECONDS:.0f} s {'ok' if ok else 'MISSED'}"
        )
        print(
            f"again\t{again_seconds:.2f}\t{len(rows) / again_seconds:,.0f}\t{again['new']:,}\t"
            f"{again['duplicate']:,}\t{again['matched']:,}\t{again['unmatched']:,}\t"
            f"{again_seconds / bare:.1f}\t"
        )
        print(f"bare floor (lxml parse + COPY)\t{bare:.2f}\t{len(rows) / bare:,.0f}\t\t\t\t\t1.0\t")
        print(f"\ninvoices paid or overpaid {paid:,}, partly paid {partly:,}")
        if (first["new"], first["matched"]) != (len(rows), expected_matched) or again["new"] != 0:
            raise SystemExit(
                f"bench: expected {len(rows):,} new and {expected_matched:,} matched: {first} {again}"
            )
        if paid + partly != expected_matched:
            raise SystemExit(f"bench: {paid + partly:,} invoices changed, expected {expected_matched:,}")
        failed = not ok
    finally:
        server.stop()
    if failed and not args.smoke:
        print(f"missed the target of {TARGET_SECONDS:.0f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
