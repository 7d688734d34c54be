"""C2 web pieces without services: every word the link and photo templates use exists in Finnish and
English, the services' messages are translated, and the person/organisation sections render."""

import re
from pathlib import Path

from gateway.affiliations import web as web_affiliations
from gateway.i18n import Translator, messages
from gateway.web_helpers import GATEWAY_DIR, render_html
from piiri.errors import coded

KEY_IN_SOURCE = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
TEMPLATES = [
    *(GATEWAY_DIR / "affiliations/templates/affiliations").glob("*.html"),
    GATEWAY_DIR / "affiliations/templates/photos/_section.html",
]


def test_c2_every_template_key_exists_in_both_languages():
    used = {key for path in TEMPLATES for key in KEY_IN_SOURCE.findall(Path(path).read_text())}
    used |= {f"affiliation_role.{role}" for role in web_affiliations.ROLES}
    assert len(used) > 25
    for language in ("fi", "en"):
        assert used <= set(messages(language)), sorted(used - set(messages(language)))


def test_c2_service_codes_are_translated():
    fi, en = Translator("fi"), Translator("en")
    not_organisation = coded("err.affiliation_not_organisation", name="Acme Oy")
    assert fi.service_message(not_organisation) == "Acme Oy on henkilö, ei organisaatio."
    assert fi.service_message(coded("err.affiliation_duplicate", organisation="Kylä ry")) == (
        "Jo liitetty organisaatioon Kylä ry tässä roolissa."
    )
    assert fi.service_message(coded("err.photo_too_big", size="2.4")) == (
        "Kuva on 2.4 Mt; suurin sallittu koko on 2 Mt."
    )
    assert en.service_message("err.affiliation_self") == ("A contact cannot be linked to itself.")


def render_section(template, contact, language="fi"):
    return render_html(
        template,
        language,
        contact=contact,
        can={"edit": True, "delete": False, "audit": False},
        csrf_token="c",
    )


def link(**more):
    return {"id": "l1", "person_id": "p1", "person_name": "Anna Virtanen", "organisation_id": "o1",
            "organisation_name": "Kylä ry", "role": "board_member", "title": None, "starts_on": "2026-01-10",
            "ends_on": None, "is_primary": True, "ended": False, **more}  # fmt: skip


def test_c2_sections_render_for_a_person_and_an_organisation():
    person = {"id": "p1", "kind": "person", "display_name": "Anna Virtanen",
              "affiliations": {"organisations": [link()], "people": None}, "photo": None}  # fmt: skip
    html = render_section("affiliations/_section.html", person, "en")
    assert "Organisations" in html and "board member" in html and "Main organisation" in html
    assert "/contacts/p1/organisations/l1/edit" in html
    organisation = {"id": "o1", "kind": "organisation", "display_name": "Kylä ry",
                    "affiliations": {"organisations": [], "people": {"count": 1, "items": [link()],
                                                                     "next_cursor": None}}}  # fmt: skip
    html = render_section("affiliations/_section.html", organisation)
    assert "Henkilöt" in html and "Henkilöitä nyt: 1" in html and "hallituksen jäsen" in html
    photo = render_section(
        "photos/_section.html", {**person, "photo": {"content_type": "image/png", "updated_at": "2026-01-01"}}
    )
    assert 'src="/contacts/p1/photo?v=2026-01-01"' in photo and 'enctype="multipart/form-data"' in photo
