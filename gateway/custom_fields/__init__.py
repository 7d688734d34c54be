"""Custom fields (C3): their definitions, their values on a contact's page and form, the list filters."""

from gateway.core import Area
from gateway.custom_fields.api import CustomFieldsApi
from gateway.custom_fields.web import CustomFieldsWeb, custom_field_definitions, read_custom_form

AREA = Area(
    "custom_fields",
    routes=(CustomFieldsApi, CustomFieldsWeb),
    contact_sections=("custom_fields/_contact.html",),
    list_filters=("custom_fields/_filters.html",),
    contact_form_parts=(("custom", "custom_fields/_form.html", read_custom_form),),
    template_extras=(custom_field_definitions,),
)
