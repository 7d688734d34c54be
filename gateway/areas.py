"""The areas of the gateway, in one place. Each is a folder ``gateway/<area>/`` holding its API routes
(``api.py``), web routes (``web.py``), OpenAPI schemas (``schemas.py``), templates (``templates/``) and
helpers, and declaring itself in its ``__init__.py`` as ``AREA`` (gateway/core.py ``Area``). Adding an
area is adding its folder and one line below.

The order is the order of the contact page's sections, the contact list's filters and the contact
form's parts that the areas add.
"""

from gateway import (
    access,
    account,
    affiliations,
    applications,
    audit,
    automations,
    billing,
    birthdays,
    contacts,
    custom_fields,
    dashboard,
    data_protection,
    exports,
    gdpr,
    global_search,
    groups,
    imports,
    mailing,
    merge,
    person,
    saved_searches,
    site,
    subscribe,
    surveys,
)

AREAS = (
    dashboard.AREA,  # first: its note of the dashboard's filter heads the contact list's filters
    contacts.AREA,
    account.AREA,
    affiliations.AREA,
    saved_searches.AREA,
    custom_fields.AREA,
    data_protection.AREA,
    exports.AREA,
    gdpr.AREA,
    groups.AREA,
    merge.AREA,
    person.AREA,
    access.AREA,
    audit.AREA,
    automations.AREA,
    birthdays.AREA,
    imports.AREA,
    surveys.AREA,
    applications.AREA,
    mailing.AREA,
    subscribe.AREA,
    billing.AREA,
    global_search.AREA,
    site.AREA,
)

# What the areas add to shared pages, in the order above (read by gateway/web_helpers.py).
CONTACT_SECTIONS = tuple(template for area in AREAS for template in area.contact_sections)
CONTACT_PRIVACY_PARTS = tuple(template for area in AREAS for template in area.contact_privacy_parts)
LIST_FILTER_SECTIONS = tuple(template for area in AREAS for template in area.list_filters)
LIST_NOTE_SECTIONS = tuple(template for area in AREAS for template in area.list_notes)
CONTACT_FORM_PARTS = {
    name: {"template": template, "read": read}
    for area in AREAS
    for name, template, read in area.contact_form_parts
}
TEMPLATE_EXTRAS = tuple(function for area in AREAS for function in area.template_extras)
ROUTES = tuple(routes for area in AREAS for routes in area.routes)
