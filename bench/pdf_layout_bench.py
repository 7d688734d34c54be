"""Seconds and memory of the PDF layouts alone (I2): address labels, name cards and the PDF list written
from generated rows, without services or database (bench/export_bench.py times the whole job).

    .venv/bin/python bench/pdf_layout_bench.py              # 10,000 labels, cards and list rows
    .venv/bin/python bench/pdf_layout_bench.py --rows 50000  # memory should stay about the same

Each format runs in its own child process so its peak RSS is its own. Target: 10,000 labels under 10 s.
"""

import argparse
import io
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABEL_TARGET_SECONDS = 10.0


def rows(count):
    from services.exports.contract.rows import sample_row

    for index in range(count):
        yield sample_row(
            id=f"00000000-0000-4000-8000-{index:012d}",
            first_name=f"Henkilö{index}",
            last_name="Virtanen-Åström" if index % 3 else "Meikäläinen",
            street=f"Mannerheimintie {index % 200} A {index % 40}",
            postal_code=f"{index % 99999:05d}",
            couple={
                "id": f"c{index // 2}",
                "address_name_fi": "Anna ja Matti Virtanen",
                "address_name_en": "x",
            }
            if index % 10 < 2
            else None,
        )


def run_one(name, count):
    sys.path.insert(0, str(ROOT))
    from services.exports.columns import resolve
    from services.exports.formats import get_format

    export_format = get_format(name)
    options = export_format.load_options({"qr": True} if name == "name_cards" else {})
    if export_format.uses_columns:
        options["columns"] = resolve(
            ["display_name", "email", "phone", "street", "postal_code", "city", "tags"], {}
        )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open("/dev/null", "wb") as sink:
        out = io.BufferedWriter(sink)
        started = time.perf_counter()
        export_format.write(rows(count), options, out, "fi")
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{name}\t{count}\t{seconds:.2f}\t{before / 1024:.0f}\t{peak / 1024:.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.rows)
        return 0
    print("format\trows\tseconds\tRSS before MB\tpeak RSS MB")
    failed = False
    for name in ("labels", "name_cards", "pdf_list"):
        result = subprocess.run(
            [sys.executable, __file__, "--one", name, "--rows", str(args.rows)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        line = result.stdout.strip().splitlines()[-1]
        print(line)
        if name == "labels" and args.rows <= 10_000 and float(line.split("\t")[2]) > LABEL_TARGET_SECONDS:
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
