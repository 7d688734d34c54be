"""Generated import rows (I1) and the speed of reading and validating them, without services.

Used by bench/import_bench.py (the end-to-end import benchmark) and runnable alone:

    .venv/bin/python bench/import_rows.py                 # 100,000 rows x 20 columns
    .venv/bin/python bench/import_rows.py --rows 20000 --xlsx /tmp/import.xlsx

It prints how many rows per second RowValidator validates, and, with --xlsx, how fast the file is
written, opened (reading.open_table) and read (rows()) compared with a bare openpyxl read.
"""

import argparse
import gc
import io
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADERS = (
    "Etunimi", "Sukunimi", "Sähköposti", "Matkapuhelin", "Lähiosoite", "Postinumero", "Postitoimipaikka",
    "Maa", "Syntymäaika", "Kieli", "Sukupuoli", "Organisaatio", "Tehtävänimike", "Kotisivu", "Tunnisteet",
    "Lisätiedot", "Työpuhelin", "Jäsenlaji", "Liittymispäivä", "Jäsenmaksu",
)  # fmt: skip
CUSTOM_FIELDS = (
    {"key": "jasenlaji", "label_fi": "Jäsenlaji", "label_en": "Member type", "field_type": "choice",
     "required": False, "choices": [{"value": "full", "label_fi": "Varsinainen", "label_en": "Full"},
                                    {"value": "support", "label_fi": "Kannatus", "label_en": "Supporting"}]},
    {"key": "liittymispaiva", "label_fi": "Liittymispäivä", "label_en": "Joined", "field_type": "date",
     "required": False, "choices": []},
    {"key": "jasenmaksu", "label_fi": "Jäsenmaksu", "label_en": "Fee", "field_type": "number",
     "required": False, "choices": []},
)  # fmt: skip
FIRST = (
    "Maija",
    "Matti",
    "Aino",
    "Juha",
    "Sanna",
    "Mikko",
    "Liisa",
    "Pekka",
    "Anna",
    "Jussi",
    "Åsa",
    "Örjan",
)
LAST = ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Öhman")
CITIES = (
    ("00100", "Helsinki"),
    ("02100", "Espoo"),
    ("33100", "Tampere"),
    ("20100", "Turku"),
    ("90100", "Oulu"),
)


def generate_rows(count, seed=1, typed=True):
    """``count`` rows of HEADERS' 20 columns, every one valid, all distinct (e-mails, phones): as an
    .xlsx holds them when ``typed`` (dates as dates, postal codes as text), else as CSV texts."""
    rng = random.Random(seed)
    for number in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        code, city = rng.choice(CITIES)
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(25000))
        joined = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
        yield [
            first, last, f"{_ascii(first)}.{_ascii(last)}.{number}@esimerkki.fi",
            f"040 {number // 10000:03d} {number % 10000:04d}", f"Kotikatu {number % 300 + 1} A {number % 40}",
            code, city, "FI", born if typed else f"{born.day}.{born.month}.{born.year}", "suomi",
            rng.choice(("nainen", "mies")), "Esimerkki ry", "Jäsen", "esimerkki.fi", "jäsen, vapaaehtoinen",
            "Tuotu koeajossa", f"09 1{number % 900 + 100} {number % 1000:03d}",
            rng.choice(("Varsinainen", "Kannatus")), joined if typed else joined.isoformat(),
            15 if typed else "15,50",
        ]  # fmt: skip


def _ascii(name):
    """How people write a name in an e-mail address: 'Mäkelä' -> 'makela'."""
    return name.lower().translate(str.maketrans("äöå", "aoa"))


def write_xlsx(path, count, seed=1):
    """An .xlsx of HEADERS and ``count`` generated rows, written streamed (write-only)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Jäsenet")
    sheet.append(HEADERS)
    for row in generate_rows(count, seed):
        sheet.append(row)
    workbook.save(path)
    return path


def measure_validation(count=100_000, typed=True):
    """Validate ``count`` generated rows with the proposed mapping: {rows, seconds, rows_per_s, errors}."""
    from services.imports import mapping, validation

    catalogue = mapping.build_catalogue(CUSTOM_FIELDS)
    proposal = mapping.propose_mapping(HEADERS, catalogue)
    unmapped = [header for header, key in proposal.items() if key is None]
    if unmapped:
        raise SystemExit(f"headers without a field: {unmapped}")
    validator = validation.RowValidator(catalogue, proposal, CUSTOM_FIELDS, headers=HEADERS)
    rows = list(generate_rows(count, typed=typed))
    # The import streams its rows; this list of them all would only make the garbage collector's
    # full passes slower and slower, so it is kept out of them.
    gc.collect()
    gc.freeze()
    errors = 0
    started = time.perf_counter()
    try:
        for number, cells in enumerate(rows, start=2):
            _, row_errors = validator.validate(number, cells)
            errors += bool(row_errors)
        seconds = time.perf_counter() - started
    finally:
        gc.unfreeze()
    return {"rows": count, "seconds": seconds, "rows_per_s": count / seconds, "errors": errors}


def measure_reading(path):
    """Seconds to open and read the .xlsx at ``path`` with reading.open_table and with bare openpyxl."""
    import openpyxl

    from services.imports import reading

    data = Path(path).read_bytes()
    started = time.perf_counter()
    table = reading.open_table(data, Path(path).name)
    opened = time.perf_counter() - started
    count = sum(1 for _ in table.rows())
    piiri = time.perf_counter() - started
    started = time.perf_counter()
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    bare = sum(1 for _ in workbook.active.iter_rows(values_only=True)) - 1
    workbook.close()
    openpyxl_seconds = time.perf_counter() - started
    return {"rows": count, "bare_rows": bare, "open_seconds": opened, "read_seconds": piiri,
            "openpyxl_seconds": openpyxl_seconds}  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", help="also write this .xlsx and time reading it")
    args = parser.parse_args()
    for typed in (True, False):
        result = measure_validation(args.rows, typed)
        print(
            f"validate {'xlsx-typed' if typed else 'csv-text  '} cells: {result['rows']:,} rows x "
            f"{len(HEADERS)} "
            f"columns in {result['seconds']:.2f} s = {result['rows_per_s']:,.0f} rows/s "
            f"({result['errors']} rows with errors)"
        )
    if args.xlsx:
        started = time.perf_counter()
        write_xlsx(args.xlsx, args.rows)
        print(f"write {args.xlsx}: {time.perf_counter() - started:.2f} s")
        result = measure_reading(args.xlsx)
        print(
            f"read {result['rows']:,} rows: open {result['open_seconds']:.2f} s, open+rows "
            f"{result['read_seconds']:.2f} s; bare openpyxl {result['openpyxl_seconds']:.2f} s "
            f"(ratio {result['read_seconds'] / result['openpyxl_seconds']:.2f})"
        )


if __name__ == "__main__":
    main()
