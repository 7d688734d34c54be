"""The shared group picker (issue 13 items 4 and 6, templates/_list.html group_picker): every page that
chooses a group shows the groups by their path, archived ones left out, as a plain select that piiri.js
makes searchable; the pages that choose a group all use it."""

import re
from pathlib import Path

from gateway.i18n import Translator
from gateway.web_helpers import environment

GATEWAY = Path(__file__).resolve().parents[1]
COMPACT = [  # list_groups(compact=True): parents first, no path_names
    {"id": "g1", "parent_id": None, "name": "Jaostot", "archived": False, "depth": 0},
    {"id": "g2", "parent_id": "g1", "name": "Nuoriso", "archived": False, "depth": 1},
    {"id": "g3", "parent_id": "g2", "name": "Leiri", "archived": False, "depth": 2},
    {"id": "g4", "parent_id": None, "name": "Vanha", "archived": True, "depth": 0},
]


def render(source, **context):
    template = environment().from_string('{% from "_list.html" import group_picker with context %}' + source)
    return template.render(t=Translator("fi"), number=str, **context)


def test_issue13_groups_are_shown_by_their_path_and_archived_ones_are_left_out():
    html = render('{{ group_picker(t, "Ryhmä", "g", "group_id", groups, selected="g3") }}', groups=COMPACT)
    options = re.findall(r'<option value="(\w*)"( selected)?>([^<]*)</option>', html)
    assert options == [
        ("", "", "Valitse…"),
        ("g1", "", "Jaostot"),
        ("g2", "", "Jaostot / Nuoriso"),
        ("g3", " selected", "Jaostot / Nuoriso / Leiri"),
    ]
    assert "data-picker" in html and 'id="g-filter"' in html and '<label for="g">Ryhmä</label>' in html


def test_issue13_other_choices_follow_the_groups_in_their_own_option_group():
    html = render(
        '{{ group_picker(t, "Kenelle", "r", "selection_id", groups, groups_heading="Ryhmä",'
        ' empty_label=false, extra_groups=[("Tallennettu haku", [("s1", "Hallitus ja jaostot")])],'
        ' errors=["Valitse."],'
        ' error_id="error-selection_id") }}',
        groups=COMPACT,
    )
    assert '<optgroup label="Ryhmä">' in html and '<optgroup label="Tallennettu haku">' in html
    assert 'value=""' not in html
    assert 'aria-describedby="error-selection_id"' in html and 'id="error-selection_id">Valitse.<' in html


def test_issue13_no_page_chooses_a_group_with_a_plain_select_any_more():
    """A <select> whose options are groups is the shared picker's, nowhere else."""
    plain = []
    for path in GATEWAY.glob("*/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<select[^>]*>(.*?)</select>", text, re.S):
            if re.search(r"for group in groups", match.group(1)):
                plain.append(str(path.relative_to(GATEWAY)))
    assert plain == []
