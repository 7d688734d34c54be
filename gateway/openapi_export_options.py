"""OpenAPI schemas of the export formats' options (I2): one component per format that has options
(<Format>ExportOptions, e.g. LabelsExportOptions for POST /api/v1/exports with format "labels"), so an API
user can see every option (sheet, margins, skip, …) with its default, range and meaning."""

from gateway.openapi import openapi_paths
from services.exports.contract.formats import NoOptions, formats


def options_component(name):
    return "".join(part.title() for part in name.split("_")) + "ExportOptions"


@openapi_paths
def export_options_schemas(spec, secured):
    for export_format in formats():
        if export_format.options is not NoOptions:
            spec.components.schema(options_component(export_format.name), schema=export_format.options)
