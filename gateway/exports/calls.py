"""The gateway's side of exports (I2), shared by the API and the web UI: selections from query arguments,
and passing on, unchanged, the files the exports service writes: a finished job's file chunk by chunk,
the NDJSON/JSON stream page by page, and one contact's vCard or QR code. The gateway runs no format
code (issue 11 item 2)."""

import base64
import re

from werkzeug.wrappers import Response

from gateway.base import PAGING_ARGS
from gateway.core import GatewayCore
from piiri.errors import ValidationFailed

# Query arguments of GET /api/v1/contacts:export that are not structured filters of a search.
SELECTION_ARGS = (
    "format",
    "saved_search",
    "group",
    "include_subgroups",
    "ids",
    "exclude_deceased",
    "exclude_statuses",
    "columns",
)
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _flag(args, name, default):
    value = args.get(name)
    if value in (None, ""):
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValidationFailed("request.boolean", {name: ["request.boolean"]}, {"name": name})


def _list(args, name):
    values = []
    for raw in args.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return values


def selection_from_args(args, default_exclude_deceased=False):
    """A selection from query arguments: saved_search=<id> | group=<id> (include_subgroups) |
    ids=<id>,<id> | otherwise the search q with every other argument as a structured filter."""
    exclusions = {
        "exclude_deceased": _flag(args, "exclude_deceased", default_exclude_deceased),
        "exclude_statuses": _list(args, "exclude_statuses"),
    }
    if args.get("saved_search"):
        return {"kind": "saved_search", "id": args["saved_search"], **exclusions}
    if args.get("group"):
        return {
            "kind": "group",
            "id": args["group"],
            "include_subgroups": _flag(args, "include_subgroups", True),
            **exclusions,
        }
    if args.get("ids"):
        return {"kind": "ids", "ids": _list(args, "ids"), **exclusions}
    filters = {
        name: value
        for name, value in args.items()
        if name not in PAGING_ARGS and name not in SELECTION_ARGS and value != ""
    }
    return {"kind": "search", "query": args.get("q", ""), "filters": filters, **exclusions}


def download_name(name):
    return SAFE_NAME.sub("-", name or "piiri-export").strip("-") or "piiri-export"


def attachment(body, content_type, file_name, size=None):
    headers = {
        "Content-Disposition": f'attachment; filename="{download_name(file_name)}"',
        "Cache-Control": "no-store",
    }
    if size is not None:
        headers["Content-Length"] = str(size)
    return Response(body, content_type=content_type, headers=headers, direct_passthrough=True)


class ExportCalls(GatewayCore):
    """What the exports area's API and web routes share: the calls behind both."""

    def export_file_response(self, job_id):
        """The finished job's file, streamed chunk by chunk (each chunk one RPC; the first is the
        audited download)."""
        job = self.call("exports", "get_job", job_id)
        # The service refuses a job that is not done (or whose file expired) and audits the download.
        first = base64.b64decode(self.call("exports", "read_file_chunk", job["id"], 0))

        def chunks():
            yield first
            for seq in range(1, job["chunk_count"]):
                yield base64.b64decode(self.call("exports", "read_file_chunk", job["id"], seq))

        return attachment(chunks(), job["content_type"], job["file_name"], job["size"])

    def export_stream_response(self, args):
        """NDJSON or a JSON array of the selection's rows, page by page from exports.stream_page (chunked:
        never the whole selection in memory; each page one audited contacts.export_page)."""
        name = args.get("format", "ndjson")
        selection = selection_from_args(args)
        columns = _list(args, "columns")
        first = self.call("exports", "stream_page", name, selection, columns, None)

        def pages():
            page = first
            while True:
                yield page["data"].encode("utf-8")
                if not page.get("next_cursor"):
                    return
                page = self.call("exports", "stream_page", name, selection, columns, page["next_cursor"])

        headers = {"Cache-Control": "no-store", "X-Total-Count": str(first.get("total") or 0)}
        return Response(pages(), content_type=first["content_type"], headers=headers, direct_passthrough=True)

    def contact_card_response(self, contact_id, name, options=None):
        """One contact's vCard (name "vcard") or QR code ("qr_vcard"), written by the exports service (the
        contact's read is audited there, by contacts.export_page)."""
        card = self.call("exports", "contact_file", contact_id, name, options)
        return attachment(base64.b64decode(card["data"]), card["content_type"], card["file_name"])
