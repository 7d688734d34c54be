"""`make messages`: pybabel extract, update and compile over the gateway's catalogs (issue 11 item 5).

1. ``pybabel extract`` (babel.cfg: the gateway's Python and Jinja templates, keyword ``t``) finds every
   message id used literally in code and templates.
2. An id that no catalog has yet goes to the area whose folder holds the first file using it
   (``gateway/<area>/...``), else to the area with most ids of the same first part (``groups.``), else
   to the shared catalog ``gateway/locale``.
3. ``pybabel update`` brings each area's fi, sv and en catalogs in line with that area's ids (the ids it
   had and its new ones: an id built at run time, such as ``field.<name>``, is never dropped); new
   messages are empty until someone translates them, which ``gateway/tests/test_catalogs.py`` demands.
4. ``pybabel compile`` writes the ``messages.mo`` files the gateway prefers to its ``.po`` when newer.
5. The access-report PDF (made by the contacts service, from its own catalog) names audit actions, fields
   and export formats with the gateway's words: the gateway's ``action.``, ``field.`` and ``exp.format.``
   texts are copied into ``services/contacts/access_report/locale`` (tests/unit/test_access_report_words.py
   checks they agree).

Remove a message by deleting it from the three ``.po`` files of its area.
"""

import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.i18n import DOMAIN, LANGUAGES, catalog_path, locale_dirs  # noqa: E402

WIDTH = "100"
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # the templates' date, so a run changes no header


def pybabel(*args):
    CommandLineInterface().run(["pybabel", "-q", *args])


def read(path):
    with open(path, "rb") as handle:
        return read_po(handle, domain=DOMAIN)


def extracted_ids(work):
    pot = work / "extracted.pot"
    pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), "-k", "t", "--no-default-keywords",
        "--ignore-dirs", "tests", "--ignore-dirs", ".*", "--omit-header", "-o", str(pot), str(ROOT),
    )  # fmt: skip
    return {message.id: [path for path, _ in message.locations] for message in read(pot) if message.id}


def area_of(new_id, files, areas):
    for file in files:
        for locale_dir in areas:
            if (ROOT / file).is_relative_to(locale_dir.parent) and locale_dir.parent.name != "gateway":
                return locale_dir
    prefix = new_id.split(".", 1)[0] + "."
    counts = Counter(
        {locale_dir: sum(1 for known in ids if known.startswith(prefix)) for locale_dir, ids in areas.items()}
    )
    best, count = counts.most_common(1)[0]
    return best if count else locale_dirs()[0]


def main():
    areas = {}
    for locale_dir in locale_dirs():
        source = catalog_path(locale_dir, "fi")
        areas[locale_dir] = [message.id for message in read(source) if message.id] if source.exists() else []
    known = {message_id for ids in areas.values() for message_id in ids}
    with tempfile.TemporaryDirectory(prefix="piiri-messages-") as work:
        work = Path(work)
        for new_id, files in extracted_ids(work).items():
            if new_id not in known:
                areas[area_of(new_id, files, areas)].append(new_id)
                print(f"new message {new_id}: add its fi, sv and en texts")
        for number, (locale_dir, ids) in enumerate(areas.items()):
            if not ids:
                continue
            template = Catalog(project="Piiri", domain=DOMAIN, creation_date=STABLE_DATE, fuzzy=False)
            for message_id in ids:
                template.add(message_id)
            pot = work / f"area{number}.pot"
            with open(pot, "wb") as handle:
                write_po(handle, template, width=int(WIDTH))
            for language in LANGUAGES:
                if not catalog_path(locale_dir, language).exists():
                    pybabel(
                        "init",
                        "-i",
                        str(pot),
                        "-d",
                        str(locale_dir),
                        "-D",
                        DOMAIN,
                        "-l",
                        language,
                        "-w",
                        WIDTH,
                    )
            pybabel(
                "update", "-i", str(pot), "-d", str(locale_dir), "-D", DOMAIN, "-w", WIDTH,
                "--no-fuzzy-matching", "--ignore-obsolete",
            )  # fmt: skip
            pybabel("compile", "-d", str(locale_dir), "-D", DOMAIN)


REPORT_WORDS = ("action.", "field.", "exp.format.")


def sync_access_report_words():
    """Step 5: the gateway's texts of audit actions, fields and export formats into the report's catalog."""
    from gateway.i18n import messages
    from services.contacts.access_report.words import catalog_path as report_catalog

    for language in LANGUAGES:
        path = report_catalog(language)
        with open(path, "rb") as handle:
            catalog = read_po(handle)
        changed = 0
        for message_id, text in sorted(messages(language).items()):
            if not message_id.startswith(REPORT_WORDS):
                continue
            if message_id not in catalog:
                catalog.add(message_id, text)
                changed += 1
            elif catalog[message_id].string != text:
                catalog[message_id].string = text  # Catalog.add would keep the old text
                changed += 1
        if changed:
            with open(path, "wb") as handle:
                write_po(handle, catalog, width=int(WIDTH))
            print(f"access report {language}: {changed} words from the gateway")


if __name__ == "__main__":
    main()
    sync_access_report_words()
