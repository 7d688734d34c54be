"""Exports in the web UI (I2): the export page for a selection (the contact list's search, a saved search,
a group, the contacts ticked in the list) with format, columns, the format's options and exclusions; the
job page (progress by meta refresh, no script), the download, "My exports", a contact's vCard and QR, and
the address labels' preview (the first sheet as it will print, with each contact's mailing flags).
"""

import json
from urllib.parse import parse_qsl, urlencode

from marshmallow import fields as ma_fields
from marshmallow import missing
from marshmallow import validate as ma_validate
from werkzeug.datastructures import MultiDict

from gateway.exports.calls import ExportCalls, selection_from_args
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import EXPORT
from gateway.web_helpers import FieldMessage, language_of, require_csrf, see_other, web_page
from piiri.errors import ValidationFailed
from services.exports.contract.formats import formats, get_format
from services.exports.contract.rows import DEFAULT_COLUMNS, STANDARD_COLUMNS

WEB_ONLY_ARGS = ("contact_ids", "back", "action", "from", "csrf_token", "all", "search", "from_group")
OPTION_PREFIX = "opt."
REFRESH_SECONDS = 2


def web_selection(args, default_exclude_deceased=False):
    """The selection the export page was opened for: all=1 with ``search`` (a list's "all N results":
    its search, run again by the services), or contact_ids (the boxes ticked in the list)."""
    if args.get("all") == "1":
        return selection_from_args(MultiDict(parse_qsl(args.get("search") or "")), default_exclude_deceased)
    if args.getlist("contact_ids") or "search" in args:  # from a list's selection: only what is ticked
        return {
            "kind": "ids",
            "ids": args.getlist("contact_ids"),
            "exclude_deceased": default_exclude_deceased,
            "exclude_statuses": [],
        }
    kept = MultiDict([(name, value) for name, value in args.items(multi=True) if name not in WEB_ONLY_ARGS])
    return selection_from_args(kept, default_exclude_deceased)


def option_fields(schema_class, t, values=None):
    """The options schema as form fields: {name, input (checkbox|select|number|text), label, value,
    choices, step}."""
    values = values or {}
    found = []
    for name, field in schema_class().fields.items():
        default = field.load_default if not callable(field.load_default) else None
        value = values.get(name, default)
        label_key = f"exp.opt.{name}"
        item = {
            "name": name,
            "id": f"opt-{name}",
            "label": t(label_key) if t.has(label_key) else (field.metadata.get("description") or name),
            "value": "" if value is None or value is missing else value,
            "choices": [],
            "step": None,
        }
        choices = [rule for rule in _validators(field) if isinstance(rule, ma_validate.OneOf)]
        if isinstance(field, ma_fields.Boolean):
            item["input"] = "checkbox"
        elif choices:
            item["input"] = "select"
            item["choices"] = [
                (
                    str(choice),
                    t(f"exp.choice.{name}.{choice}") if t.has(f"exp.choice.{name}.{choice}") else str(choice),
                )
                for choice in choices[0].choices
            ]
        elif isinstance(field, ma_fields.Number):
            item["input"] = "number"
            item["step"] = "1" if isinstance(field, ma_fields.Integer) else "any"
        else:
            item["input"] = "text"
        found.append(item)
    return found


def _validators(field):
    return list(getattr(field, "validators", []) or [])


def options_from_form(schema_class, form):
    """The options as the form gives them (unticked boxes false; empty fields left to their default)."""
    options = {}
    for name, field in schema_class().fields.items():
        key = OPTION_PREFIX + name
        if isinstance(field, ma_fields.Boolean):
            options[name] = form.get(key) == "on"
        elif form.get(key, "") != "":
            options[name] = form[key]
    return options


def form_selection(text):
    """The selection the export form carries as JSON (checked in full by the services)."""
    try:
        selection = json.loads(text or "null")
    except ValueError:
        selection = None
    if not isinstance(selection, dict):
        raise ValidationFailed("exp.err.selection", {"selection": ["exp.err.selection"]})
    return selection


def form_options(form):
    """The options the form holds for its format (none if the format is unknown)."""
    try:
        return options_from_form(get_format(form.get("format")).options, form)
    except ValidationFailed:
        return {}


def form_export_data(form, language):
    """The export the form describes, as start_export (and preview_labels) take it."""
    export_format = get_format(form.get("format"))
    selection = form_selection(form.get("selection"))
    selection["exclude_deceased"] = form.get("exclude_deceased") == "on"
    selection["exclude_statuses"] = form.getlist("exclude_statuses")
    return {
        "format": export_format.name,
        "selection": selection,
        "columns": form.getlist("columns") if export_format.uses_columns else None,
        "options": options_from_form(export_format.options, form),
        "language": language,
    }


def preview_grid(preview):
    """The first sheet as rows of cells for the page: each cell the label printed in that slot (or None
    for a slot left empty: skipped, or beyond the last label)."""
    if not preview:
        return []
    sheet = preview["sheet"]
    by_slot = {label["slot"]: label for label in preview["labels"]}
    cells = [by_slot.get(slot) for slot in range(sheet["per_page"])]
    return [cells[start : start + sheet["columns"]] for start in range(0, len(cells), sheet["columns"])]


def selection_text(selection, t, names):
    kind = selection["kind"]
    if kind == "ids":
        return t("exp.sel.ids", n=len(selection["ids"]))
    if kind == "group":
        return t("exp.sel.group", name=names.get("group", ""))
    if kind == "saved_search":
        return t("exp.sel.saved", name=names.get("saved", ""))
    if selection.get("query") or selection.get("filters"):
        parts = [selection.get("query") or ""] + [
            f"{key}={value}" for key, value in selection["filters"].items()
        ]
        return t("exp.sel.search", text=" ".join(part for part in parts if part))
    return t("exp.sel.all")


def list_export_url(request):
    """The contact list's current search as an export page address."""
    args = [
        (name, value) for name, value in request.args.items(multi=True) if name not in ("cursor", "limit")
    ]
    return "/exports/new" + ("?" + urlencode(args) if args else "")


def export_links(gateway, request, principal):
    if principal is None or not principal.can(EXPORT):
        return {}
    return {"export_list_url": list_export_url(request) if request.path == "/contacts" else "/exports/new"}


def format_label(item, t):
    """An export format's name in the user's language (the catalogs' ``exp.format.<name>``)."""
    key = f"exp.format.{item.name}"
    return t(key) if t.has(key) else item.label(t.language)


class ExportsWebRoutes(ExportCalls):
    def web_exports_form(
        self, request, principal, args, status=200, errors=None, chosen=None, preview=None, selection=None
    ):
        t = Translator(language_of(request))
        export_format = get_format(args.get("format") or "xlsx")
        if selection is not None:  # previewed: the selection with the exclusions the form chose
            pass
        elif args.get("selection"):  # the format changed: keep the selection, take the format's default
            selection = form_selection(args["selection"])
            selection["exclude_deceased"] = bool(
                selection.get("exclude_deceased") or export_format.default_exclude_deceased
            )
        else:
            selection = web_selection(args, export_format.default_exclude_deceased)
        names = {}
        if selection["kind"] == "group":
            names["group"] = self.call("contacts", "get_group", selection["id"])["name"]
        elif selection["kind"] == "saved_search":
            names["saved"] = self.call("contacts", "get_saved_search", selection["id"])["name"]
        custom = self.call("contacts", "list_custom_fields")["items"]
        kinds = self.call("contacts", "list_status_kinds")
        label = "label_en" if t.language == "en" else "label_fi"
        chosen = chosen or {}
        columns = chosen.get("columns") or list(DEFAULT_COLUMNS)
        return self.web_render(
            request,
            principal,
            "exports/new.html",
            status=status,
            errors=errors or [],
            selection=selection,
            selection_json=json.dumps(selection),
            selection_text=selection_text(selection, t, names),
            selection_args=[("selection", json.dumps(selection))],
            formats=[(item.name, format_label(item, t)) for item in formats() if not item.single_contact],
            format=export_format,
            options=option_fields(export_format.options, t, chosen.get("options")),
            standard_columns=[
                (
                    key,
                    t(f"field.{key}")
                    if t.has(f"field.{key}")
                    else labels[{"fi": 0, "sv": 1}.get(t.language, 2)],
                )
                for key, labels in STANDARD_COLUMNS.items()
            ],
            custom_columns=[("custom." + item["key"], item[label]) for item in custom],
            chosen_columns=set(columns),
            status_kinds=[(kind["code"], kind[label]) for kind in kinds],
            preview=preview,
            preview_rows=preview_grid(preview),
        )

    @http("GET", "/exports/new")
    @web_page
    def web_exports_new(self, request):
        principal = self.web_principal(request, EXPORT)
        return self.web_exports_form(request, principal, request.args)

    @http("POST", "/exports")
    @web_page
    def web_exports_start(self, request):
        principal = self.web_principal(request, EXPORT)
        require_csrf(request, principal)
        form = request.form
        t = Translator(language_of(request))
        try:
            job = self.call("exports", "start_export", form_export_data(form, t.language))
        except ValidationFailed as exc:
            return self._refused(request, principal, form, t, exc)
        return see_other(f"/exports/{job['id']}")

    @http("POST", "/exports/preview")
    @web_page
    def web_exports_preview(self, request):
        """The export form again with the label preview under it (I2, M5): the first sheet's labels as
        they will print, the counts, and each contact's mailing flags beside their label (on screen
        only). The form keeps what was chosen, so "Start" makes exactly the file previewed."""
        principal = self.web_principal(request, EXPORT)
        require_csrf(request, principal)
        form = request.form
        t = Translator(language_of(request))
        try:
            data = form_export_data(form, t.language)
            preview = self.call("exports", "preview_labels", data)
        except ValidationFailed as exc:
            return self._refused(request, principal, form, t, exc)
        return self.web_exports_form(
            request,
            principal,
            form,
            chosen={"columns": form.getlist("columns"), "options": form_options(form)},
            preview=preview,
            selection=data["selection"],
        )

    def _refused(self, request, principal, form, t, exc):
        """The form again with the services' reasons (422)."""
        messages = [FieldMessage(t.service_message(exc.message, exc.params))] + [
            FieldMessage(t.service_message(text), name)
            for name, texts in (exc.details or {}).items()
            for text in (texts if isinstance(texts, list) else [texts])
            if not isinstance(text, dict) or "code" in text  # a code entry, not nested details
        ]
        return self.web_exports_form(
            request,
            principal,
            form,
            status=422,
            errors=messages,
            chosen={"columns": form.getlist("columns"), "options": form_options(form)},
        )

    @http("GET", "/exports")
    @web_page
    def web_exports_list(self, request):
        principal = self.web_principal(request, EXPORT)
        jobs = self.call("exports", "list_jobs")["items"]
        return self.web_render(request, principal, "exports/list.html", jobs=jobs)

    @http("GET", "/exports/<job_id>")
    @web_page
    def web_exports_job(self, request, job_id):
        principal = self.web_principal(request, EXPORT)
        job = self.call("exports", "get_job", job_id)
        working = job["status"] in ("queued", "running")
        return self.web_render(
            request,
            principal,
            "exports/job.html",
            job=job,
            refresh=REFRESH_SECONDS if working else None,
            percent=int(100 * job["rows_done"] / job["rows_total"])
            if job.get("rows_total")
            else (100 if job["status"] == "done" else 0),
        )

    @http("GET", "/exports/<job_id>/download")
    @web_page
    def web_exports_download(self, request, job_id):
        self.web_principal(request, EXPORT)
        return self.export_file_response(job_id)

    @http("POST", "/exports/<job_id>/delete")
    @web_page
    def web_exports_delete(self, request, job_id):
        principal = self.web_principal(request, EXPORT)
        require_csrf(request, principal)
        self.call("exports", "delete_job", job_id)
        return see_other("/exports")

    @http("GET", "/contacts/<contact_id>/vcard")
    @web_page
    def web_exports_vcard(self, request, contact_id):
        self.web_principal(request, EXPORT)
        return self.contact_card_response(contact_id, "vcard")

    @http("GET", "/contacts/<contact_id>/qr")
    @web_page
    def web_exports_qr(self, request, contact_id):
        self.web_principal(request, EXPORT)
        image = request.args.get("image", "png")
        return self.contact_card_response(contact_id, "qr_vcard", {"image": image})
