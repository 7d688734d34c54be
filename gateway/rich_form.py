"""The contact form's rich standard fields (C2), pure: repeated rows of e-mails, phones and addresses
and the tags, read from a posted form and turned back into the rows the form shows.

A list's rows are named '<list>-<i>-<key>' (e.g. 'emails-0-address', 'addresses-1-city'), with
'<list>-rows' (how many rows the form had) and one radio '<list>-primary' = i. An emptied row is left
out; the form shows the entries and one blank row per list (more after "add another": a submit button
'add_row' = the list's name re-renders the form with one more blank row, no JavaScript).
"""

from services.contacts.contract import FLAT_FIELDS, LIST_FIELDS

ROW_KEYS = {
    "emails": ("address", "kind"),
    "phones": ("number", "kind"),
    "addresses": ("kind", "street", "postal_code", "city", "country"),
}
# A row with none of these filled in is empty (a kind or a country alone is not an entry).
VALUE_KEYS = {"emails": ("address",), "phones": ("number",), "addresses": ("street", "postal_code", "city")}
ADD_ROW = "add_row"
MAX_ROWS = 20
# Editable fields the form does not show: the flat fields follow the lists' primary entries.
NOT_IN_FORM = FLAT_FIELDS


def read_rows(form, name):
    """The list's entries from the form (None if the form has no rows of it), empty rows left out."""
    try:
        count = min(int(form.get(f"{name}-rows", "")), MAX_ROWS * 2)
    except ValueError:
        return None
    primary = form.get(f"{name}-primary", "")
    entries = []
    for index in range(count):
        row = {key: (form.get(f"{name}-{index}-{key}") or "").strip() for key in ROW_KEYS[name]}
        if not any(row[key] for key in VALUE_KEYS[name]):
            continue
        entries.append({**row, "primary": primary == str(index)})
    return entries


def read_tags(text):
    """'hallitus, Lehti' -> ['hallitus', 'Lehti'] (the service trims, lower-cases and checks them)."""
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


def read(form):
    """{list: entries, 'tags': [...]} for the lists and tags the form has."""
    data = {}
    for name in LIST_FIELDS:
        entries = read_rows(form, name)
        if entries is not None:
            data[name] = entries
    if "tags" in form:
        data["tags"] = read_tags(form.get("tags"))
    return data


def blank_rows(form):
    """{list: blank rows to show}: as many as were posted empty (at least one), one more for the list
    whose "add another" button was pressed."""
    wanted = {}
    for name in LIST_FIELDS:
        posted = read_rows(form, name)
        try:
            count = int(form.get(f"{name}-rows", ""))
        except ValueError:
            count = 0
        blanks = max(1, count - len(posted or ()))
        if form.get(ADD_ROW) == name:
            blanks += 1
        wanted[name] = min(blanks, MAX_ROWS)
    return wanted


def form_values(values):
    """A contact (or posted data) -> the lists and the tags text the form shows."""
    shown = {}
    for name in LIST_FIELDS:
        entries = values.get(name) or []
        shown[name] = [
            {**{key: "" if entry.get(key) is None else str(entry[key]) for key in ROW_KEYS[name]},
             "primary": bool(entry.get("primary"))}
            for entry in entries
        ]  # fmt: skip
    tags = values.get("tags")
    shown["tags"] = ", ".join(tags) if isinstance(tags, list | tuple) else (tags or "")
    return shown


def rows(values, blanks=None):
    """{list: rows to render}: the entries, then the blank rows."""
    blanks = blanks or {}
    rendered = {}
    for name in LIST_FIELDS:
        blank = {key: "" for key in ROW_KEYS[name]}
        if name == "addresses":
            blank["country"] = "FI"
        count = blanks.get(name, 1)
        rendered[name] = list(values.get(name) or []) + [dict(blank, primary=False) for _ in range(count)]
    return rendered
