"""The person picker of a form (issue 13 item 6; templates/_list.html person_picker): a text box where one
types a name, e-mail or phone and chooses a person, the chosen person's id going in a hidden input.

A picker named ``<target>`` submits three inputs: ``<target>`` (the chosen id), ``person_text.<target>`` (the
text in the box) and ``person_shown.<target>`` (the name shown for that id when the page was made, or
when the person was chosen). While the text is the name shown, the id stands. Otherwise the text is what
the user wants (the page without JavaScript, or typing without choosing): empty clears the choice, an id
is taken as it is, other text is looked up with the contact list's search (``search_contacts``: the
caller's scope, audited as one ``contact.listed`` read, as the header's suggestions are) and taken when it
finds one person, or one whose name is the text exactly; else the form comes back with a clear error.

An id given without the person's name shown (a link's ``?contact_id=``, an id typed in the box) can be
``named``: the box then shows the person's name, read with ``get_contact`` (an audited read in the
caller's scope), instead of the raw id.
"""

import uuid

from werkzeug.datastructures import MultiDict

from piiri.errors import NotFound, PermissionDenied, coded

TEXT, SHOWN = "person_text.", "person_shown."
LOOKUP_LIMIT = 5
NONE_FOUND, MANY_FOUND = "picker.person_none", "picker.person_many"


def _an_id(text):
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def chosen(items, text):
    """The one person the search's ``items`` name for ``text``: the only one, or the only one so called."""
    if len(items) == 1:
        return items[0]
    exact = [item for item in items if item["display_name"].casefold() == text.casefold()]
    return exact[0] if len(exact) == 1 else None


def resolve(gateway, form):
    """(the form with each picker's id input set, {target: error entry}, {target: picker state}).

    The state ({"id", "text", "shown"}) is what a form shown again puts back in its picker."""
    form = MultiDict(form)
    errors, picks = {}, {}
    for name in list(form):
        if not name.startswith(TEXT):
            continue
        target = name[len(TEXT) :]
        text = (form.get(name) or "").strip()
        shown = (form.get(SHOWN + target) or "").strip()
        pick = {"id": form.get(target) or "", "text": text, "shown": shown}
        if text != shown:
            pick = _looked_up(gateway, text, errors, target)
        picks[target] = pick
        form.setlist(target, [pick["id"]])
    return form, errors, picks


def _looked_up(gateway, text, errors, target):
    if not text:
        return {"id": "", "text": "", "shown": ""}
    given_id = _an_id(text)
    if given_id:
        return {"id": given_id, "text": text, "shown": text}
    items = gateway.call("contacts", "search_contacts", q=text, limit=LOOKUP_LIMIT, filters={})["items"]
    person = chosen(items, text)
    if person is not None:
        return {"id": person["id"], "text": person["display_name"], "shown": person["display_name"]}
    errors[target] = [coded(MANY_FOUND if items else NONE_FOUND, text=text)]
    # the text goes to the service as the value: refused there too, so nothing is written
    return {"id": text, "text": text, "shown": ""}


def unnamed(pick):
    """True when the picker's state has an id but shows no name for it (nothing, or an id)."""
    shown = (pick or {}).get("shown") or ""
    return bool((pick or {}).get("id")) and (not shown or _an_id(shown) is not None)


def named(gateway, person_id, target):
    """(the picker's state, {target: error entry}) for an id shown by its person's name: read with
    contacts.get_contact (an audited read in the caller's scope). No such person: the none-found error
    naming the id; a caller who may not see them: the id as it is."""
    given = _an_id(person_id or "")
    try:
        person = gateway.call("contacts", "get_contact", given) if given else None
    except PermissionDenied:
        return {"id": given, "text": given, "shown": given}, {}
    except NotFound:
        person = None
    if person is None:
        return {"id": "", "text": person_id, "shown": ""}, {target: [coded(NONE_FOUND, text=person_id)]}
    name = person.get("display_name") or given
    return {"id": given, "text": name, "shown": name}, {}


def with_pick_errors(details, errors):
    """A refusal's details with the pickers' own errors in place of the service's for the same inputs."""
    return {**(details or {}), **errors}
