"""The reviewer portal (Q3): /review lists the applications assigned to the logged-in reviewer,
/review/<id> shows one as the round releases it (blind: no applicant) with the rubric, where the reviewer
scores each criterion with a comment, saves a draft and submits until the round's review deadline (the
days left shown), or declares a conflict of interest (/review/<id>/conflict, with an optional reason),
which takes the application from them. Only users with the reviewer role reach it (with two-factor login:
gateway/core.py sends them to set it up first); an application not assigned to them is a 404 like one that
does not exist."""

from gateway.applications.api import attachment_answer
from gateway.applications.web import error_text
from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import is_reviewer
from gateway.web_helpers import language_of, require_csrf, see_other, web_page
from piiri.errors import PermissionDenied, PiiriError


def posted_scores(form, criteria):
    """{criterion id: {"score", "comment"}} from the form (score_<id>, comment_<id>); a score that is not a
    number is passed on as text for the service to name."""
    scores = {}
    for item in criteria:
        raw = (form.get(f"score_{item['id']}") or "").strip().replace(",", ".")
        comment = form.get(f"comment_{item['id']}") or ""
        if not raw and not comment.strip():
            continue
        try:
            value = float(raw) if raw else None
        except ValueError:
            value = raw
        scores[item["id"]] = {"score": value, "comment": comment}
    return scores


class ReviewPortalRoutes(GatewayCore):
    def _reviewer(self, request):
        principal = self.web_principal(request, reviewer_ok=True)
        if not is_reviewer(principal.user):
            raise PermissionDenied("review.reviewers_only", {"role": "reviewer"})
        return principal

    @http("GET", "/review")
    @web_page
    def web_review_list(self, request):
        principal = self._reviewer(request)
        items = self.call("surveys", "my_reviews")["items"]
        return self.web_render(
            request,
            principal,
            "applications/review_list.html",
            items=items,
            declared=request.args.get("declared") == "1",
        )

    def _review_page(self, request, principal, application_id, error=None, status=200, posted=None):
        t = Translator(language_of(request))
        review = self.call("surveys", "my_review", application_id)
        return self.web_render(
            request,
            principal,
            "applications/review.html",
            status=status,
            review=review,
            values=posted if posted is not None else review["scores"],
            error=error_text(error, t) if error else None,
            saved=request.args.get("saved"),
        )

    @http("GET", "/review/<application_id>")
    @web_page
    def web_review(self, request, application_id):
        principal = self._reviewer(request)
        return self._review_page(request, principal, application_id)

    @http("POST", "/review/<application_id>")
    @web_page
    def web_review_save(self, request, application_id):
        principal = self._reviewer(request)
        require_csrf(request, principal)
        review = self.call("surveys", "my_review", application_id)
        scores = posted_scores(request.form, review["criteria"])
        submit = request.form.get("action") == "submit"
        try:
            self.call("surveys", "save_review", application_id, scores, submit)
        except PiiriError as exc:
            if exc.status == 404:
                raise
            return self._review_page(request, principal, application_id, exc, exc.status, scores)
        return see_other(f"/review/{application_id}?saved={'submitted' if submit else 'draft'}")

    @http("POST", "/review/<application_id>/conflict")
    @web_page
    def web_review_conflict(self, request, application_id):
        """The reviewer declares a conflict of interest: the application is no longer theirs."""
        principal = self._reviewer(request)
        require_csrf(request, principal)
        data = {"reason": request.form.get("reason", "")}
        try:
            self.call("surveys", "declare_my_conflict", application_id, data)
        except PiiriError as exc:
            if exc.status == 404:
                raise
            return self._review_page(request, principal, application_id, exc, exc.status)
        return see_other("/review?declared=1")

    @http("GET", "/review/<application_id>/attachments/<attachment_id>")
    @web_page
    def web_review_attachment(self, request, application_id, attachment_id):
        self._reviewer(request)
        return attachment_answer(self.call("surveys", "my_review_attachment", application_id, attachment_id))
