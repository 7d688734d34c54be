"""The person picker's server side (issue 13 item 6, gateway/person_picker.py): the chosen id stands while
the box shows its name; typed text is looked up with the audited contact search; nobody or several found
is a clear error naming the text, and the text goes on so that nothing is written."""

from werkzeug.datastructures import ImmutableMultiDict

from gateway import person_picker
from piiri.errors import NotFound, PermissionDenied, coded

SAARA = {"id": "8c4e1f2a-1111-4222-8333-944455556666", "display_name": "Saara Kummikallio"}
SAMI = {"id": "9d5f2a3b-2222-4333-9444-a55566667777", "display_name": "Sami Kumpulainen"}


class Gateway:
    def __init__(self, items):
        self.items, self.calls = items, []

    def call(self, service, method, **kwargs):
        self.calls.append((service, method, kwargs))
        return {"items": self.items}


def form(text, shown="", chosen=""):
    return ImmutableMultiDict(
        {"custom.kummi": chosen, "person_text.custom.kummi": text, "person_shown.custom.kummi": shown}
    )


def test_issue13_the_chosen_person_stands_while_the_box_shows_their_name():
    gateway = Gateway([])
    resolved, errors, picks = person_picker.resolve(
        gateway, form("Saara Kummikallio", "Saara Kummikallio", SAARA["id"])
    )
    assert resolved["custom.kummi"] == SAARA["id"] and errors == {} and gateway.calls == []
    assert picks["custom.kummi"]["shown"] == "Saara Kummikallio"


def test_issue13_an_emptied_box_clears_the_link_and_an_id_is_taken_as_it_is():
    resolved, errors, _ = person_picker.resolve(Gateway([]), form("", "Saara Kummikallio", SAARA["id"]))
    assert resolved["custom.kummi"] == "" and errors == {}
    resolved, errors, _ = person_picker.resolve(Gateway([]), form(SAARA["id"].upper()))
    assert resolved["custom.kummi"] == SAARA["id"] and errors == {}


def test_issue13_typed_text_is_looked_up_with_the_audited_contact_search():
    gateway = Gateway([SAARA])
    resolved, errors, picks = person_picker.resolve(gateway, form("kummikallio", "", ""))
    assert resolved["custom.kummi"] == SAARA["id"] and errors == {}
    assert picks["custom.kummi"] == {
        "id": SAARA["id"],
        "text": SAARA["display_name"],
        "shown": SAARA["display_name"],
    }
    assert gateway.calls == [("contacts", "search_contacts", {"q": "kummikallio", "limit": 5, "filters": {}})]
    exact = person_picker.resolve(Gateway([SAMI, SAARA]), form("saara kummikallio"))[0]
    assert exact["custom.kummi"] == SAARA["id"]  # several found, one of them so called


def test_issue13_nobody_or_several_found_is_a_clear_error_and_nothing_is_chosen():
    resolved, errors, picks = person_picker.resolve(Gateway([]), form("nimetön"))
    assert errors == {"custom.kummi": [{"code": "picker.person_none", "params": {"text": "nimetön"}}]}
    assert resolved["custom.kummi"] == "nimetön" and picks["custom.kummi"]["text"] == "nimetön"
    _, errors, _ = person_picker.resolve(Gateway([SAARA, SAMI]), form("ku"))
    assert errors["custom.kummi"][0]["code"] == "picker.person_many"
    details = person_picker.with_pick_errors({"custom.kummi": ["cf.err_contact"], "email": ["x"]}, errors)
    assert details["custom.kummi"][0]["code"] == "picker.person_many" and details["email"] == ["x"]


class Contacts:
    """get_contact of the contacts service: the people it knows, else NotFound (or PermissionDenied)."""

    def __init__(self, people, refuse=False):
        self.people, self.refuse, self.calls = {p["id"]: p for p in people}, refuse, []

    def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, args))
        if self.refuse:
            raise PermissionDenied("contacts.view")
        if args[0] not in self.people:
            raise NotFound("no such contact")
        return self.people[args[0]]


def test_an_id_given_without_a_name_is_shown_by_the_persons_name():
    """A link's ?contact_id= (no text, no name shown) or a typed id: the box shows the person's name, read
    with the audited get_contact; a chosen person already shown by name is not read again."""
    assert person_picker.unnamed({"id": SAARA["id"]})
    assert person_picker.unnamed({"id": SAARA["id"], "text": SAARA["id"], "shown": SAARA["id"].upper()})
    assert not person_picker.unnamed({"id": SAARA["id"], "text": "x", "shown": "Saara Kummikallio"})
    assert not person_picker.unnamed({"id": "", "text": "", "shown": ""})
    gateway = Contacts([SAARA])
    pick, errors = person_picker.named(gateway, SAARA["id"].upper(), "contact_id")
    assert errors == {} and pick == {
        "id": SAARA["id"],
        "text": SAARA["display_name"],
        "shown": SAARA["display_name"],
    }
    assert gateway.calls == [("contacts", "get_contact", (SAARA["id"],))]


def test_an_id_of_nobody_is_the_none_found_error_and_an_unreadable_one_stays_an_id():
    for given in (SAMI["id"], "not-an-id"):
        pick, errors = person_picker.named(Contacts([SAARA]), given, "contact_id")
        assert pick == {"id": "", "text": given, "shown": ""}
        assert errors == {"contact_id": [coded(person_picker.NONE_FOUND, text=given)]}
    pick, errors = person_picker.named(Contacts([SAARA], refuse=True), SAARA["id"], "contact_id")
    assert errors == {} and pick == {"id": SAARA["id"], "text": SAARA["id"], "shown": SAARA["id"]}
