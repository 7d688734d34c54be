"""The contacts service's registries, each built once, here, from an explicit list: the structured
search filters (filters.py) and the parts of a contact's full record (details.py) that the features
declare. Nothing registers itself on import: a feature's filters or details count once listed here
(tests/unit/test_service_composition.py finds any that are declared but not listed)."""

from services.contacts import rich_filters
from services.contacts.advanced_search import filters as advanced_search_filters
from services.contacts.affiliations import details as affiliation_details
from services.contacts.affiliations import filters as affiliation_filters
from services.contacts.consents import details as consent_details
from services.contacts.consents import filters as consent_filters
from services.contacts.custom_fields import details as custom_field_details
from services.contacts.custom_fields import filters as custom_field_filters
from services.contacts.details import ContactDetails
from services.contacts.filters import SearchFilters
from services.contacts.groups import parts as group_parts
from services.contacts.paid_membership import details as paid_membership_details
from services.contacts.paid_membership import filters as paid_membership_filters
from services.contacts.person import details as person_details
from services.contacts.person import filters as person_filters
from services.contacts.photos import details as photo_details

FILTER_SETS = (
    rich_filters.FILTERS,
    advanced_search_filters.FILTERS,
    affiliation_filters.FILTERS,
    consent_filters.FILTERS,
    custom_field_filters.FILTERS,
    group_parts.FILTERS,
    paid_membership_filters.FILTERS,
    person_filters.FILTERS,
)

DETAIL_PARTS = (
    affiliation_details.DETAIL,
    consent_details.DETAIL,
    custom_field_details.DETAIL,
    custom_field_details.LINKS_DETAIL,
    group_parts.DETAIL,
    paid_membership_details.DETAIL,
    person_details.DETAIL,
    photo_details.DETAIL,
)

SEARCH_FILTERS = SearchFilters(FILTER_SETS)
CONTACT_DETAILS = ContactDetails(DETAIL_PARTS)
