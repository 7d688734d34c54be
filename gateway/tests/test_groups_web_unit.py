"""The groups UI's words and pieces (C7): every key its templates use exists in both languages."""

import re
from pathlib import Path

from gateway.groups import web as web_groups
from gateway.i18n import messages

TEMPLATES = Path(web_groups.__file__).parent / "templates" / "groups"
KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")


def test_c7_every_key_the_groups_templates_use_exists():
    sources = [path.read_text() for path in TEMPLATES.glob("*.html")]
    used = {key for source in sources for key in KEY.findall(source)}
    used |= {f"groups.done.{key}" for key in web_groups.DONE_KEYS} | {"groups.none_selected"}
    assert len(used) > 40
    for language in ("fi", "en"):
        assert used <= set(messages(language)), sorted(used - set(messages(language)))


def test_c7_done_messages_accept_only_known_keys_and_counts():
    assert web_groups.done_message({"done": "added", "n": "3", "skipped": "1"}) == {
        "key": "groups.done.added",
        "n": 3,
        "skipped": 1,
    }
    assert web_groups.done_message({"done": "<script>"}) is None
    assert web_groups.done_message({"done": "ended", "n": "x"})["n"] == 0
