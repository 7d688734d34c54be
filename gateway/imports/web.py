"""Web pages of imports (I1): upload (/imports), the column mapping and options form, progress (meta
refresh: the CSP forbids inline scripts), the per-row error report with its Excel download, the choice to
import only the valid rows, the result and undo."""

from gateway.http import http
from gateway.i18n import Translator
from gateway.imports.api import ImportCalls
from gateway.roles import EDIT, IMPORT
from gateway.web_helpers import FieldMessage, language_of, require_csrf, see_other, web_page
from piiri.errors import Conflict, ValidationFailed
from services.imports.contract import default_on_duplicate

RUNNING = ("validating", "committing")
# the safe choices first; "create" (a duplicate of the matched contact) only when chosen
ON_DUPLICATE = ("update_fill", "skip", "update_overwrite", "create")
MATCH_ON = ("email", "phone", "name_birth_date")
REFRESH_SECONDS = 2


def translated_errors(errors, language):
    """{column: message} of a row in the user's language ('' is the row as a whole): the imports
    service's codes (its contract's catalog, merged into the gateway's) and the contacts service's codes
    on a row it refused; a text stored before messages were codes shows as stored."""
    t = Translator(language)

    def words(message):
        if isinstance(message, list | tuple):
            return " ".join(words(item) for item in message)
        return t.service_message(message)

    return {column: words(message) for column, message in (errors or {}).items()}


LIST_FIELDS = {"emails": ("field.email", "email_kind"), "phones": ("field.phone", "phone_kind")}


def field_labels(fields, language):
    """The import's field keys -> their names in the user's language: the UI's own words for a contact
    field (``first_name``, ``emails.work``, ``addresses.home.city``), else the imports service's label
    (custom fields: their Finnish or English name)."""
    t = Translator(language)

    def own_words(key):
        parts = key.split(".")
        if len(parts) == 1 and t.has(f"field.{key}"):
            return t(f"field.{key}")
        if len(parts) == 2 and parts[0] in LIST_FIELDS:
            field, kinds = LIST_FIELDS[parts[0]]
            return f"{t(field)} ({t(f'{kinds}.{parts[1]}')})"
        if len(parts) == 3 and parts[0] == "addresses" and t.has(f"field.{parts[2]}"):
            return f"{t(f'field.{parts[2]}')} ({t(f'address_kind.{parts[1]}')})"
        return None

    labels = {}
    for field in fields:
        service_label = field["label_en"] if language == "en" else field["label_fi"]
        labels[field["key"]] = own_words(field["key"]) or service_label
    return lambda key: labels.get(key, key)


def options_from(form):
    """The mapping form's options -> the imports service's ImportOptions."""
    options = {
        "on_duplicate": form.get("on_duplicate") or None,  # none chosen: the service's safe default
        "match_on": [value for value in form.getlist("match_on") if value],
        "group_id": form.get("group_id") or None,
        "consents": [],
    }
    if options["on_duplicate"] is None:
        del options["on_duplicate"]
    if form.get("consent_purpose"):
        options["consents"] = [
            {"purpose": form["consent_purpose"], "text_version": form.get("consent_version") or None}
        ]
    return options


def error_messages(exc, language):
    """The texts of a refused import call; a file's error (details with its ``code``: what the file
    breaks, e.g. a limit of issue 12, and the values it names) is its message alone."""
    t = Translator(language)
    if "code" in (exc.details or {}) and "file" in exc.details:
        return [t.service_message(exc.message, exc.params)]
    texts = [t.service_message(exc.message, exc.params)]
    for name, messages in (exc.details or {}).items():
        if name == "code":
            continue
        for text in messages if isinstance(messages, list) else [messages]:
            words = t.service_message(text)
            texts.append(
                FieldMessage(f"{name}: {words}", name, bare=words) if name not in ("file", "_body") else ""
            )
    return [text for text in texts if text]


class ImportsWebRoutes(ImportCalls):
    @http("GET", "/imports")
    @web_page
    def web_imports(self, request):
        principal = self.web_principal(request, IMPORT)
        return self.imports_list_page(request, principal)

    def imports_list_page(self, request, principal, errors=None, status=200):
        jobs = self.call("imports", "list_imports", 20)["items"]
        return self.web_render(
            request, principal, "imports/list.html", status=status, jobs=jobs, errors=errors or []
        )

    @http("POST", "/imports")
    @web_page
    def web_imports_upload(self, request):
        principal = self.web_principal(request, IMPORT)
        require_csrf(request, principal)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            t = Translator(language_of(request))
            return self.imports_list_page(request, principal, [t("imp.file")], status=422)
        try:
            job = self.upload_import(upload.filename, upload.stream, request.form.get("sheet") or None)
        except ValidationFailed as exc:
            return self.imports_list_page(request, principal, error_messages(exc, language_of(request)), 422)
        return see_other(f"/imports/{job['id']}/mapping")

    @http("GET", "/imports/<import_id>/mapping")
    @web_page
    def web_imports_mapping(self, request, import_id):
        principal = self.web_principal(request, IMPORT)
        return self.imports_mapping_page(request, principal, import_id)

    def imports_mapping_page(self, request, principal, import_id, errors=None, status=200, form=None):
        job = self.call("imports", "get_import", import_id)
        if job["status"] not in ("uploaded", "validated"):
            return see_other(f"/imports/{job['id']}")
        fields = self.call("imports", "importable_fields")
        groups = self.call("contacts", "list_groups", compact=True, counts=False)
        purposes = self.call("contacts", "list_processing_purposes")
        return self.web_render(
            request,
            principal,
            "imports/mapping.html",
            status=status,
            job=job,
            fields=fields,
            groups=groups.get("items", groups) if isinstance(groups, dict) else groups,
            purposes=purposes.get("items", purposes) if isinstance(purposes, dict) else purposes,
            options=form or job["options"] or {},
            on_duplicate_choices=ON_DUPLICATE,
            default_on_duplicate=default_on_duplicate(principal.can(EDIT)),
            match_on_choices=MATCH_ON,
            field_label=field_labels(fields, language_of(request)),
            errors=errors or [],
        )

    @http("POST", "/imports/<import_id>/mapping")
    @web_page
    def web_imports_save_mapping(self, request, import_id):
        principal = self.web_principal(request, IMPORT)
        require_csrf(request, principal)
        job = self.call("imports", "get_import", import_id)
        chosen = {
            header: request.form.get(f"map-{index}") or None for index, header in enumerate(job["headers"])
        }
        options = options_from(request.form)
        try:
            self.call("imports", "save_mapping", import_id, chosen, options)
            self.call("imports", "validate", import_id)
        except (ValidationFailed, Conflict) as exc:
            messages = error_messages(exc, language_of(request))
            return self.imports_mapping_page(request, principal, import_id, messages, 422, form=options)
        return see_other(f"/imports/{import_id}")

    @http("GET", "/imports/<import_id>")
    @web_page
    def web_import(self, request, import_id):
        principal = self.web_principal(request, IMPORT)
        job = self.call("imports", "get_import", import_id)
        if job["status"] == "uploaded":
            return see_other(f"/imports/{job['id']}/mapping")
        language = language_of(request)
        if job.get("error") and job["error"].get("message"):  # why it stopped, in the user's language
            error = job["error"]
            words = Translator(language).service_message(error["message"], error.get("params"))
            job["error"] = {**error, "message": words}
        context = {
            "job": job,
            "refresh": REFRESH_SECONDS if job["status"] in RUNNING else None,
            "preview": None,
            "row_errors": None,
        }
        kept = not job.get("expired_at")  # the file and rows are deleted after IMPORT_KEEP_HOURS
        if job["status"] == "validated" and kept:
            context["preview"] = self.call("imports", "preview", import_id)
            context["field_label"] = field_labels(self.call("imports", "importable_fields"), language)
            for row in context["preview"]["rows"]:
                row["errors"] = translated_errors(row["errors"], language)
        if job["invalid_rows"] and job["status"] in ("validated", "done", "failed") and kept:
            rows = self.call("imports", "row_errors", import_id, 100)
            for row in rows["items"]:
                row["errors"] = translated_errors(row["errors"], language)
            context["row_errors"] = rows
        return self.web_render(
            request,
            principal,
            "imports/job.html",
            undo_result=request.args.get("undone"),
            undo_refused=None,
            **context,
        )

    @http("POST", "/imports/<import_id>/start")
    @web_page
    def web_import_start(self, request, import_id):
        principal = self.web_principal(request, IMPORT)
        require_csrf(request, principal)
        commit_mode = "valid_rows" if request.form.get("commit_mode") == "valid_rows" else None
        self.call("imports", "start", import_id, commit_mode)
        return see_other(f"/imports/{import_id}")

    @http("POST", "/imports/<import_id>/cancel")
    @web_page
    def web_import_cancel(self, request, import_id):
        principal = self.web_principal(request, IMPORT)
        require_csrf(request, principal)
        self.call("imports", "cancel", import_id)
        return see_other(f"/imports/{import_id}")

    @http("POST", "/imports/<import_id>/undo")
    @web_page
    def web_import_undo(self, request, import_id):
        principal = self.web_principal(request, IMPORT)
        require_csrf(request, principal)
        try:
            self.call("imports", "undo", import_id)
        except Conflict as exc:
            job = self.call("imports", "get_import", import_id)
            return self.web_render(
                request,
                principal,
                "imports/job.html",
                status=409,
                job=job,
                refresh=None,
                undo_refused=exc.details.get("changed", []),
                undo_result=None,
                preview=None,
                row_errors=None,
            )
        return see_other(f"/imports/{import_id}?undone=1")

    @http("GET", "/imports/<import_id>/errors.xlsx")
    @web_page
    def web_import_error_report(self, request, import_id):
        self.web_principal(request, IMPORT)
        return self.error_report_response(import_id)
