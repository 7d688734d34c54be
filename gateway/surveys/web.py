"""Surveys in the web UI (Q1, Q2): /surveys lists the linked LimeSurvey surveys and the installation's own,
and links one (whose members, the mapping of questions to contact fields, what responses do);
/surveys/<id> shows a linked survey's counts, its participants (invited, reminded, completed), the
responses taken in and the changes they propose, with the buttons that push participants, send
invitations and reminders and bring it in step. A failure (LimeSurvey unreachable, a wrong password, a
survey deleted there) is said on the page where it happened, in the user's language."""

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import EDIT, EXPORT, IMPORT, VIEW
from gateway.web_helpers import FieldMessage, language_of, require_csrf, see_other, web_page
from piiri.errors import PermissionDenied, PiiriError, ValidationFailed
from services.surveys.contract import KNOWN_MODES, NEW_PEOPLE

ACTIONS = {"push": "push_participants", "invite": "invite_participants", "remind": "remind_participants"}


def parse_mapping(text):
    """'Q1 = city' lines -> {"Q1": "city"}; a line without '=' is refused naming it."""
    mapping = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise ValidationFailed(
                "surveys.link_invalid",
                {"mapping": [{"code": "surveys.mapping_line", "params": {"line": number}}]},
            )
        code, field = (part.strip() for part in line.split("=", 1))
        mapping[code] = field
    return mapping


def link_input(form):
    kind = form.get("selection_kind") or ""
    selection = None
    if kind in ("group", "saved_search"):
        selection = {"kind": kind, "id": form.get(f"{kind}_id") or ""}
    data = {
        "selection": selection,
        "mapping": parse_mapping(form.get("mapping")),
        "known_mode": form.get("known_mode") or "propose",
        "new_people": form.get("new_people") or "skip",
        "new_people_group_id": form.get("new_people_group_id") or None,
    }
    sid = (form.get("sid") or "").strip()
    if sid:
        data["sid"] = int(sid) if sid.isdigit() else sid
    return data


def error_text(exc, t):
    """A service's error code (and its field codes) in the user's language."""
    words = t.service_message(exc.message)
    details = []
    for field, problems in (exc.details or {}).items():
        for problem in problems if isinstance(problems, list) else [problems]:
            details.append(FieldMessage(t.service_message(problem), field))
    return words, details


class SurveysWebRoutes(GatewayCore):
    def _surveys_choices(self):
        choices = {"groups": [], "saved_searches": []}
        for key, method, kwargs in (
            ("groups", "list_groups", {"counts": False}),  # a picker: no member counts read
            ("saved_searches", "list_saved_searches", {}),
        ):
            try:
                choices[key] = self.call("contacts", method, **kwargs)["items"]
            except (PiiriError, KeyError, TypeError):
                choices[key] = []
        return choices

    def _surveys_list_page(self, request, principal, error=None, form=None, status=200):
        t = Translator(language_of(request))
        links = self.call("surveys", "list_links")["items"]
        remote, remote_error = [], None
        try:
            remote = self.call("surveys", "list_remote_surveys")["items"]
        except PiiriError as exc:
            remote_error = error_text(exc, t)
        return self.web_render(
            request,
            principal,
            "surveys/list.html",
            status=status,
            links=links,
            remote=remote,
            remote_error=remote_error,
            error=error_text(error, t) if error else None,
            form=form or {"known_mode": "propose", "new_people": "skip"},
            known_modes=KNOWN_MODES,
            new_people_choices=NEW_PEOPLE,
            **self._surveys_choices(),
        )

    @http("GET", "/surveys")
    @web_page
    def web_surveys_list(self, request):
        principal = self.web_principal(request, EXPORT)
        return self._surveys_list_page(request, principal)

    @http("POST", "/surveys")
    @web_page
    def web_surveys_link(self, request):
        principal = self.web_principal(request, EXPORT)
        require_csrf(request, principal)
        try:
            link = self.call("surveys", "link_survey", link_input(request.form))
        except PiiriError as exc:
            return self._surveys_list_page(request, principal, exc, dict(request.form), exc.status)
        return see_other(f"/surveys/{link['id']}")

    def _survey_page(self, request, principal, link_id, result=None, error=None, status=200):
        t = Translator(language_of(request))
        link = self.call("surveys", "get_link", link_id)
        participants = self.call("surveys", "list_participants", link_id, 100, 0)["items"]
        responses = self.call("surveys", "list_responses", link_id, 100, 0)["items"]
        proposals = self.call("surveys", "list_proposals", link_id, "open", 100)["items"]
        return self.web_render(
            request,
            principal,
            "surveys/survey.html",
            status=status,
            link=link,
            participants=participants,
            responses=responses,
            proposals=proposals,
            result=result,
            error=error_text(error, t) if error else None,
            can_sync=principal.can(IMPORT),
            can_decide=principal.can(EDIT),
        )

    @http("GET", "/surveys/<link_id>")
    @web_page
    def web_survey(self, request, link_id):
        principal = self.web_principal(request, EXPORT)
        if not principal.can(VIEW):
            raise PermissionDenied("surveys.view_needed", {"permission": VIEW})
        return self._survey_page(request, principal, link_id)

    @http("POST", "/surveys/<link_id>/action")
    @web_page
    def web_survey_action(self, request, link_id):
        principal = self.web_principal(request, EXPORT)
        require_csrf(request, principal)
        action = request.form.get("action")
        if action == "sync" and not principal.can(IMPORT):
            raise PermissionDenied("surveys.import_needed", {"permission": IMPORT})
        if action not in (*ACTIONS, "sync"):
            raise ValidationFailed("surveys.action_invalid", {"action": ["surveys.action_invalid"]})
        try:
            if action == "sync":
                result = self.call("surveys", "sync_survey", link_id, timeout=300)
            else:
                result = self.call("surveys", ACTIONS[action], link_id, timeout=300)
        except PiiriError as exc:
            if exc.status == 404 and exc.message == "surveys.link_not_found":
                raise
            return self._survey_page(request, principal, link_id, error=exc, status=exc.status)
        return self._survey_page(request, principal, link_id, result={"action": action, **result})

    @http("POST", "/surveys/proposals/<proposal_id>")
    @web_page
    def web_survey_proposal(self, request, proposal_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        decision = request.form.get("decision")
        if decision not in ("accept", "reject"):
            raise ValidationFailed("surveys.decision_invalid", {"decision": ["surveys.decision_invalid"]})
        decided = self.call("surveys", "decide_proposal", proposal_id, decision == "accept")
        return see_other(f"/surveys/{decided['link_id']}")
