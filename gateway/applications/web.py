"""Application rounds in the web UI (Q3): /applications lists the rounds and starts one (its form's text
fields, what reviewers see, blind review, deadlines, a linked survey); /applications/<id> shows a round:
its settings and phase, the scoring rubric (criteria, weights, minimums), its applications, a form that
enters one (the applicant found by a search, texts, an attachment) and the button that takes the linked
survey's responses in; /applications/<id>/<application id> shows one application (an audited read). A
refusal (a weight that is not positive, an attachment too big) is said beside the form, in the user's
language."""

import base64
from datetime import date

from gateway.applications.api import attachment_answer
from gateway.applications.letters import letter_response, pdf_response
from gateway.applications.reviewers import FIELDS, reviewer_user, reviewer_users
from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import EDIT, VIEW
from gateway.web_helpers import language_of, require_csrf, see_other, web_page
from piiri import clock
from piiri.errors import PiiriError, ValidationFailed
from services.surveys.contract import (
    APPLICATION_LANGUAGES,
    ATTACHMENT_TYPES,
    DEADLINES,
    MAX_ATTACHMENT_BYTES,
    RELEASABLE_EXTRAS,
    ROUND_PHASES,
)

RUBRIC_ROWS = 3  # empty criterion rows offered below the rubric's own
ROUND_ACTIONS = ("settings", "rubric", "import", "delete")


def error_text(exc, t):
    """A service's error code and its field codes in the user's language: (words, [lines])."""
    details = []
    for field, problems in (exc.details or {}).items():
        for problem in problems if isinstance(problems, list) else [problems]:
            details.append(f"{field}: {t.service_message(problem)}")
    return t.service_message(exc.message, exc.params or {}), details


def parse_form_fields(text):
    """'plan = Suunnitelma' lines -> [{"key", "label"}]; a line without '=' is refused naming it."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise ValidationFailed(
                "applications.round_invalid",
                {"form_fields": [{"code": "applications.field_line", "params": {"line": number}}]},
            )
        key, label = (part.strip() for part in line.split("=", 1))
        found.append({"key": key, "label": label})
    return found


def form_fields_text(round_):
    return "\n".join(f"{item['key']} = {item['label']}" for item in round_.get("form_fields") or [])


def parse_question_map(text):
    mapping = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise ValidationFailed(
                "applications.round_invalid",
                {"question_map": [{"code": "applications.field_line", "params": {"line": number}}]},
            )
        code, key = (part.strip() for part in line.split("=", 1))
        mapping[code] = key
    return mapping


def deadline_rows(round_, today=None):
    """The round's deadlines that are set, in their order: [{"name", "day", "left"}] (``left``: whole days
    to the end of that day, 0 on the day itself, negative once it is over)."""
    today = today or clock.today()
    rows = []
    for name in DEADLINES:
        value = round_.get(name)
        if value:
            rows.append({"name": name, "day": value, "left": (date.fromisoformat(value) - today).days})
    return rows


def released_of(form):
    """The released fields as typed: 'title, plan, attachments'."""
    return [part.strip() for part in (form.get("released_fields_text") or "").split(",") if part.strip()]


def round_form(round_):
    """A round as the values of its settings form."""
    return {
        **{name: round_.get(name) or "" for name in ("name", "description", "phase", "link_id")},
        **{name: round_.get(name) or "" for name in DEADLINES},
        "form_fields": form_fields_text(round_),
        "released_fields": round_.get("released_fields") or [],
        "blind": "on" if round_.get("blind") else "",
        "reviewers_per_application": str(round_.get("reviewers_per_application") or 2),
        "question_map": "\n".join(f"{k} = {v}" for k, v in (round_.get("question_map") or {}).items()),
    }


def round_input(form, creating):
    data = {
        "name": form.get("name", "").strip(),
        "description": form.get("description", ""),
        "form_fields": parse_form_fields(form.get("form_fields")),
        "released_fields": released_of(form),
        "blind": form.get("blind") == "on",
        "submit_until": form.get("submit_until") or None,
        "assign_until": form.get("assign_until") or None,
        "review_until": form.get("review_until") or None,
        "decide_until": form.get("decide_until") or None,
        "reviewers_per_application": form.get("reviewers_per_application") or "2",
    }
    if "link_id" in form:  # offered only to those who may see linked surveys (contacts.export)
        data["link_id"] = form.get("link_id") or None
        data["question_map"] = parse_question_map(form.get("question_map"))
    if not creating:
        data["phase"] = form.get("phase") or "assign"
    number = data["reviewers_per_application"]
    data["reviewers_per_application"] = int(number) if str(number).isdigit() else number
    return data


def number_or_text(value):
    value = (value or "").strip().replace(",", ".")
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return value  # the schema names it as not a number


def rubric_input(form):
    """The rubric's rows as posted (criteria.<n>: name, weight, minimum, max_score); empty rows left out."""
    criteria = []
    for number in range(1, 200):
        if f"name_{number}" not in form:
            break
        name = form.get(f"name_{number}", "").strip()
        weight = number_or_text(form.get(f"weight_{number}"))
        if not name and weight is None:
            continue
        item = {
            "name": name,
            "description": form.get(f"description_{number}", ""),
            "weight": weight,
            "minimum": number_or_text(form.get(f"minimum_{number}")),
        }
        max_score = (form.get(f"max_score_{number}") or "").strip()
        if max_score:
            item["max_score"] = int(max_score) if max_score.isdigit() else max_score
        criteria.append(item)
    return {"criteria": criteria}


def uploaded_attachment(request):
    """The posted file as an attachment input, or None; too big refused before it is read in whole."""
    upload = request.files.get("attachment")
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(MAX_ATTACHMENT_BYTES + 1)
    return {
        "filename": upload.filename,
        "content_type": upload.mimetype or "application/octet-stream",
        "content_base64": base64.b64encode(data).decode(),
    }


class ApplicationsWebRoutes(GatewayCore):
    def _rounds_page(self, request, principal, error=None, form=None, status=200):
        t = Translator(language_of(request))
        rounds = self.call("surveys", "list_rounds")["items"]
        links = self._links(principal)
        return self.web_render(
            request,
            principal,
            "applications/list.html",
            status=status,
            rounds=rounds,
            links=links,
            error=error_text(error, t) if error else None,
            form=form or {"blind": "on", "reviewers_per_application": "2", "released_fields": ["title"]},
            can_manage=principal.can(EDIT),
        )

    def _links(self, principal):
        if not principal.can("contacts.export"):  # linked surveys are managed with contacts.export
            return []
        try:
            return self.call("surveys", "list_links")["items"]
        except PiiriError:
            return []

    @http("GET", "/applications")
    @web_page
    def web_application_rounds(self, request):
        principal = self.web_principal(request, VIEW)
        return self._rounds_page(request, principal)

    @http("POST", "/applications")
    @web_page
    def web_application_round_create(self, request):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        form = request.form
        kept = {**form.to_dict(), "released_fields": released_of(form)}
        try:
            made = self.call("surveys", "create_round", round_input(form, creating=True))
        except PiiriError as exc:
            return self._rounds_page(request, principal, exc, kept, exc.status)
        return see_other(f"/applications/{made['id']}")

    def _round_page(self, request, principal, round_id, error=None, result=None, status=200, **forms):
        t = Translator(language_of(request))
        round_ = self.call("surveys", "get_round", round_id)
        applications = self.call("surveys", "list_applications", round_id, 200, 0)["items"]
        q = (request.args.get("q") or "").strip()
        candidates, review = [], {"reviewers": [], "assignments": [], "reviewer_users": []}
        if q and principal.can(EDIT):
            candidates = self.call("contacts", "search_contacts", q, limit=10)["items"]
        results = None
        if principal.can(EDIT):
            review = self._review_parts(principal, round_id)
            results = self.call("surveys", "round_results", round_id)
        return self.web_render(
            request,
            principal,
            "applications/round.html",
            status=status,
            round=round_,
            deadlines=deadline_rows(round_),
            applications=applications,
            links=self._links(principal),
            phases=ROUND_PHASES,
            extras=RELEASABLE_EXTRAS,
            languages=APPLICATION_LANGUAGES,
            attachment_types=ATTACHMENT_TYPES,
            max_attachment_mb=MAX_ATTACHMENT_BYTES // (1024 * 1024),
            rubric_rows=(forms.pop("posted_rubric", None) or round_["criteria"]) + [{}] * RUBRIC_ROWS,
            form=forms.pop("settings_form", None) or round_form(round_),
            q=q,
            candidates=candidates,
            error=error_text(error, t) if error else None,
            result=result,
            can_manage=principal.can(EDIT),
            titles={item["id"]: item["title"] for item in applications},
            results=results,
            **review,
            **{"failed": None, "entered": {}, "auto": None, **forms},
        )

    def _review_parts(self, principal, round_id):
        """Q3 step 2: the round's reviewers, assignments and the users who could review (audited)."""
        users = reviewer_users(self.db.session)
        self.audit_staff_read(principal, "user.listed", "user", [user["id"] for user in users], FIELDS)
        return {
            "reviewers": self.call("surveys", "list_reviewers", round_id)["items"],
            "assignments": self.call("surveys", "list_assignments", round_id)["items"],
            "reviewer_users": users,
        }

    @http("POST", "/applications/<round_id>/review")
    @web_page
    def web_application_round_review(self, request, round_id):
        """Reviewers and assignment (Q3 step 2): add or remove a reviewer, record a declared conflict,
        assign by hand (a known conflict needs a reason), remove an assignment, assign automatically."""
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        form, action = request.form, request.form.get("action")
        auto = None
        try:
            if action == "add_reviewer":
                user = reviewer_user(self.db.session, form.get("user_id"))
                data = {
                    "user_id": user["id"],
                    "username": user["username"],
                    "contact_id": form.get("contact_id") or None,
                }
                self.call("surveys", "add_reviewer", round_id, data)
            elif action == "remove_reviewer":
                self.call("surveys", "remove_reviewer", round_id, form.get("reviewer_id"))
            elif action == "declare":
                self.call(
                    "surveys",
                    "declare_conflict",
                    round_id,
                    form.get("reviewer_id"),
                    form.get("application_id"),
                    (form.get("override_reason") or "").strip(),
                )
            elif action == "assign":
                data = {
                    "application_id": form.get("application_id") or None,
                    "reviewer_id": form.get("reviewer_id") or None,
                    "override_reason": (form.get("override_reason") or "").strip() or None,
                }
                self.call("surveys", "assign_reviewer", round_id, data)
            elif action == "unassign":
                self.call("surveys", "unassign_reviewer", round_id, form.get("assignment_id"))
            elif action == "auto":
                auto = self.call("surveys", "auto_assign", round_id, timeout=120)
            else:
                raise ValidationFailed(
                    "applications.action_invalid", {"action": ["applications.action_invalid"]}
                )
        except PiiriError as exc:
            if exc.status == 404 and exc.message == "applications.round_not_found":
                raise
            return self._round_page(
                request,
                principal,
                round_id,
                error=exc,
                status=exc.status,
                failed="review",
                entered=form.to_dict(),
            )
        if auto is not None:
            return self._round_page(request, principal, round_id, auto=auto)
        return see_other(f"/applications/{round_id}#reviewers")

    @http("GET", "/applications/<round_id>")
    @web_page
    def web_application_round(self, request, round_id):
        principal = self.web_principal(request, VIEW)
        return self._round_page(request, principal, round_id)

    @http("POST", "/applications/<round_id>")
    @web_page
    def web_application_round_action(self, request, round_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        action = request.form.get("action")
        if action not in ROUND_ACTIONS:
            raise ValidationFailed("applications.action_invalid", {"action": ["applications.action_invalid"]})
        try:
            if action == "delete":
                self.call("surveys", "delete_round", round_id)
                return see_other("/applications")
            if action == "settings":
                self.call("surveys", "update_round", round_id, round_input(request.form, creating=False))
                return see_other(f"/applications/{round_id}")
            if action == "rubric":
                self.call("surveys", "set_rubric", round_id, rubric_input(request.form))
                return see_other(f"/applications/{round_id}#rubric")
            result = self.call("surveys", "import_applications", round_id, timeout=300)
        except PiiriError as exc:
            if exc.status == 404 and exc.message == "applications.round_not_found":
                raise
            return self._round_page(request, principal, round_id, error=exc, status=exc.status, failed=action)
        return self._round_page(request, principal, round_id, result=result)

    @http("POST", "/applications/<round_id>/applications")
    @web_page
    def web_application_add(self, request, round_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        form = request.form
        round_ = self.call("surveys", "get_round", round_id)
        texts = {}
        for item in round_["form_fields"]:
            value = form.get(f"text_{item['key']}", "")
            if value.strip():
                texts[item["key"]] = value
        data = {
            "contact_id": form.get("contact_id") or "",
            "title": form.get("title", "").strip(),
            "texts": texts,
            "language": form.get("language") or "fi",
            "attachments": [a for a in [uploaded_attachment(request)] if a],
        }
        try:
            made = self.call("surveys", "add_application", round_id, data)
        except PiiriError as exc:
            if exc.status == 404:
                raise
            return self._round_page(
                request, principal, round_id, error=exc, status=exc.status, failed="application",
                entered=form.to_dict(),
            )  # fmt: skip
        return see_other(f"/applications/{round_id}/{made['id']}")

    @http("GET", "/applications/<round_id>/<application_id>")
    @web_page
    def web_application(self, request, round_id, application_id):
        principal = self.web_principal(request, VIEW)
        return self._application_page(request, principal, round_id, application_id)

    def _application_page(self, request, principal, round_id, application_id, error=None, status=200):
        t = Translator(language_of(request))
        round_ = self.call("surveys", "get_round", round_id)
        application = self.call("surveys", "get_application", round_id, application_id)
        applicant = None
        if application.get("contact_id"):
            applicant = self.call("contacts", "get_contact", application["contact_id"])
        return self.web_render(
            request,
            principal,
            "applications/application.html",
            round=round_,
            deadlines=deadline_rows(round_),
            application=application,
            applicant=applicant,
            labels={item["key"]: item["label"] for item in round_["form_fields"]},
            can_manage=principal.can(EDIT),
            status=status,
            error=error_text(error, t) if error else None,
            posted=request.form.to_dict() if error else {},
        )

    @http("POST", "/applications/<round_id>/<application_id>/decision")
    @web_page
    def web_application_decide(self, request, round_id, application_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        data = {"decision": request.form.get("decision") or "", "note": request.form.get("note", "")}
        try:
            self.call("surveys", "decide_application", round_id, application_id, data)
        except PiiriError as exc:
            if exc.status == 404:
                raise
            return self._application_page(request, principal, round_id, application_id, exc, exc.status)
        return see_other(f"/applications/{round_id}/{application_id}#decision")

    @http("GET", "/applications/<round_id>/<application_id>/letter")
    @web_page
    def web_application_letter(self, request, round_id, application_id):
        self.web_principal(request, EDIT)
        return letter_response(self.call("surveys", "decision_letter_text", round_id, application_id))

    @http("GET", "/applications/<round_id>/<application_id>/letter.pdf")
    @web_page
    def web_application_letter_pdf(self, request, round_id, application_id):
        """The decision letter as a PDF in the applicant's language (an audited read)."""
        self.web_principal(request, EDIT)
        return pdf_response(self.call("surveys", "decision_letter_pdf", round_id, application_id))

    @http("POST", "/applications/<round_id>/<application_id>/delete")
    @web_page
    def web_application_delete(self, request, round_id, application_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        self.call("surveys", "delete_application", round_id, application_id)
        return see_other(f"/applications/{round_id}")

    @http("GET", "/applications/<round_id>/<application_id>/attachments/<attachment_id>")
    @web_page
    def web_application_attachment(self, request, round_id, application_id, attachment_id):
        self.web_principal(request, VIEW)
        item = self.call("surveys", "get_attachment", round_id, application_id, attachment_id)
        return attachment_answer(item)
