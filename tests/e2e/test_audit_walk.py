"""G2 audit walk: no screen or API route returns personal data without an audit record.

Every gateway route (found by introspection, tests/routes.py) is classified in ROUTE_AUDIT as
``personal`` (returns personal data of contacts: the request must leave an audit record, by the acting
user, naming every contact it showed), ``counted`` (a count of contacts: one ``contact.counted`` record
by the acting user with the query and the number), ``no_personal_data`` (with the reason) or ``write``
(changes state; the change is audited: WRITE_WALK checks the changes to a person here, each feature's
own tests the rest). A route missing from the table fails test_g2_every_route_is_classified with a
message saying where to classify it. The no_personal_data GET routes are walked too: none may show a
seeded person.

The walk seeds one person with every kind of detail, then calls every ``personal`` route as an admin
through the real HTTP API and web UI with real ids in the path, and asks the audit database for the
records carrying the request's id (the X-Request-Id response header): the actor must be the admin and
the subject ids must include every contact whose id the response shows (the ids on a list page, the
contact of a detail page). docs/routes.md is made from this table and the permission matrix
(scripts/route_table.py).
"""

import json
import re
import tempfile
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import UUID

from tests.events import wait_for
from tests.routes import gateway_routes, is_api

PERSONAL, NO_PERSONAL_DATA, WRITE = "personal", "no_personal_data", "write"
# A number derived from contacts (issue 12 item 4): counts with narrowing filters recover a person's
# details, so every count answered leaves one ``contact.counted`` record naming the query and the number.
COUNTED = "counted"
# Q3: the reviewer portal refuses the walk's admin; a reviewer's reads there are audited against the
# applicant, which tests/e2e/test_reviewers_api.py checks as a reviewer.
REVIEWER_READ = "reviewer_read"
STAFF_READ = "staff_read"  # staff accounts, user groups, API tokens: audited reads (issue 12 item 7i)
PASSWORD = "auditoitu kävely 2026"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

OWN_ACCOUNT = "the caller's own user account, not a registry contact"
STAFF = "staff accounts and access control (users.manage), not registry contacts; changes audited"
STAFF_SHOWN = "staff accounts, user groups or API tokens (users.manage): each read names every one shown"
SETTINGS = "configuration only: no contact's data"
EXPORT_JOBS = "export jobs: format, selection criteria, columns, progress; no rows"
IMPORT_JOBS = "import jobs: file name, column headings, counts, progress; no rows"
SURVEYS = "linked surveys: LimeSurvey ids, titles, mappings, counts; no participant"
ROUNDS = "application rounds: names, fields, rubric, deadlines, counts; no applicant"
ERASURES = "erasure requests: a contact id, who asked, why, each service's progress; the data is gone"

# "METHOD /path": (class, why). Every GET and every read done with POST is listed here by name; the
# state-changing routes are in WRITE_ROUTES below.
ROUTE_AUDIT = {
    # --- public, session and the caller's own account ---
    "GET /": (NO_PERSONAL_DATA, "a redirect to the dashboard or the login page"),
    "GET /health": (NO_PERSONAL_DATA, "service health"),
    "GET /api/v1/openapi.json": (NO_PERSONAL_DATA, "the API description"),
    "GET /static/<path:filename>": (NO_PERSONAL_DATA, "style sheets, scripts, images"),
    "GET /lang/<code>": (NO_PERSONAL_DATA, "sets the language cookie and redirects"),
    "GET /login": (NO_PERSONAL_DATA, "the login form"),
    "GET /login/totp": (NO_PERSONAL_DATA, "the two-factor form"),
    "GET /account": (NO_PERSONAL_DATA, OWN_ACCOUNT),
    "GET /account/password": (NO_PERSONAL_DATA, OWN_ACCOUNT),
    "GET /account/totp": (NO_PERSONAL_DATA, OWN_ACCOUNT),
    "GET /api/v1/account": (NO_PERSONAL_DATA, OWN_ACCOUNT),
    "GET /api/v1/me": (NO_PERSONAL_DATA, OWN_ACCOUNT),
    # --- users, roles, user groups, API tokens ---
    "GET /admin/users": (STAFF_READ, STAFF_SHOWN),
    "GET /admin/users/<user_id>": (STAFF_READ, STAFF_SHOWN),
    "GET /admin/roles": (NO_PERSONAL_DATA, STAFF),
    "GET /admin/roles/<code>": (NO_PERSONAL_DATA, STAFF),
    "GET /admin/user-groups": (STAFF_READ, STAFF_SHOWN),
    "GET /admin/user-groups/<group_id>": (STAFF_READ, STAFF_SHOWN),
    "GET /admin/api-tokens": (STAFF_READ, STAFF_SHOWN),
    "GET /api/v1/users": (STAFF_READ, STAFF_SHOWN),
    "GET /api/v1/users/<user_id>": (STAFF_READ, STAFF_SHOWN),
    "GET /api/v1/permissions": (NO_PERSONAL_DATA, STAFF),
    "GET /api/v1/roles": (NO_PERSONAL_DATA, STAFF),
    "GET /api/v1/roles/<code>": (NO_PERSONAL_DATA, STAFF),
    "GET /api/v1/user-groups": (STAFF_READ, STAFF_SHOWN),
    "GET /api/v1/user-groups/<group_id>": (STAFF_READ, STAFF_SHOWN),
    "GET /api/v1/api-tokens": (STAFF_READ, STAFF_SHOWN),
    "GET /api/v1/api-tokens/<token_id>": (STAFF_READ, STAFF_SHOWN),
    # --- contacts ---
    "GET /contacts": (PERSONAL, "the contact list"),
    "GET /search/suggestions": (PERSONAL, "the header search's suggestions"),
    "GET /contacts/<contact_id>": (PERSONAL, "a contact's page"),
    "GET /contacts/new": (NO_PERSONAL_DATA, "an empty form"),
    "GET /contacts/<contact_id>/edit": (PERSONAL, "the edit form, filled in"),
    "GET /contacts/<contact_id>/delete": (PERSONAL, "the delete confirmation names the contact"),
    "GET /contacts/advanced": (PERSONAL, "the advanced search and its results"),
    "GET /api/v1/contacts": (PERSONAL, "the contact list"),
    "GET /api/v1/contacts/<contact_id>": (PERSONAL, "a contact"),
    "GET /api/v1/contacts:count": (COUNTED, "how many contacts a search finds"),
    "POST /api/v1/contacts:search": (PERSONAL, "a search's results"),
    "POST /api/v1/contacts:search-count": (COUNTED, "how many contacts an advanced search finds"),
    # --- person details ---
    "GET /contacts/<contact_id>/deceased": (PERSONAL, "the form names the contact"),
    "GET /contacts/<contact_id>/couple": (PERSONAL, "the couple form names the contact"),
    "GET /api/v1/contacts/<contact_id>/names": (PERSONAL, "alternative names"),
    "GET /api/v1/contacts/<contact_id>/statuses": (PERSONAL, "statuses"),
    "GET /api/v1/status-kinds": (NO_PERSONAL_DATA, SETTINGS),
    # --- affiliations and photos ---
    "GET /contacts/<contact_id>/people": (PERSONAL, "an organisation's people"),
    "GET /contacts/<contact_id>/organisations/new": (PERSONAL, "the link form names the contact"),
    "GET /contacts/<contact_id>/organisations/<affiliation_id>/edit": (PERSONAL, "a link, filled in"),
    "GET /contacts/<contact_id>/photo": (PERSONAL, "the photo"),
    "GET /api/v1/contacts/<contact_id>/organisations": (PERSONAL, "a person's organisations"),
    "GET /api/v1/contacts/<contact_id>/people": (PERSONAL, "an organisation's people"),
    "GET /api/v1/contacts/<contact_id>/photo": (PERSONAL, "the photo"),
    # --- groups ---
    "GET /groups": (NO_PERSONAL_DATA, "the group tree with member counts, no members"),
    "GET /groups/<group_id>": (PERSONAL, "a group's members"),
    "GET /groups/<group_id>/move": (NO_PERSONAL_DATA, "the group tree to move a group in"),
    "GET /groups/bulk": (
        NO_PERSONAL_DATA,
        "echoes the contact ids the caller picked, with the group tree (all=1: counts the list's search, "
        "one contact.counted record)",
    ),
    "GET /api/v1/groups": (NO_PERSONAL_DATA, "the group tree with member counts, no members"),
    "GET /api/v1/groups/<group_id>": (NO_PERSONAL_DATA, "a group's name, description and counts"),
    "GET /api/v1/groups/<group_id>/members": (PERSONAL, "a group's members"),
    # --- custom fields ---
    "GET /settings/custom-fields": (NO_PERSONAL_DATA, "custom field definitions"),
    "GET /settings/custom-fields/<field_id>": (NO_PERSONAL_DATA, "a custom field definition"),
    "GET /settings/custom-fields/<field_id>/<action>": (NO_PERSONAL_DATA, "a definition's confirmation"),
    "GET /api/v1/custom-fields": (NO_PERSONAL_DATA, "custom field definitions"),
    "GET /api/v1/custom-fields/<field_id>": (NO_PERSONAL_DATA, "a custom field definition"),
    # --- saved searches ---
    "GET /saved-searches": (NO_PERSONAL_DATA, "saved searches' names and criteria"),
    "GET /saved-searches/open": (NO_PERSONAL_DATA, "a redirect to the contact list with the criteria"),
    "GET /saved-searches/<search_id>/delete": (NO_PERSONAL_DATA, "a saved search's confirmation"),
    "GET /api/v1/saved-searches": (NO_PERSONAL_DATA, "saved searches' names and criteria"),
    "GET /api/v1/saved-searches/<search_id>": (NO_PERSONAL_DATA, "a saved search's criteria"),
    "GET /api/v1/saved-searches/<search_id>/contacts": (PERSONAL, "a saved search's results"),
    # --- mailing (M1, M5) ---
    "GET /api/v1/mailing-lists": (NO_PERSONAL_DATA, "mailing lists: names, sources, purposes, last sync"),
    "GET /api/v1/mailing-lists/<list_id>": (NO_PERSONAL_DATA, "a mailing list and its members' counts"),
    "GET /api/v1/mailing-lists/<list_id>/subscription-form": (
        NO_PERSONAL_DATA,
        "a list's subscription form: switch, share link, consent texts, counts; no subscriber",
    ),
    # M3: the public subscription pages (no login) show the list, its purpose and consent text, never an
    # address: the confirmation page holds only a button
    "GET /subscribe/<token>": (NO_PERSONAL_DATA, "the public form: the list, its purpose and consent text"),
    "GET /subscribe/<token>/sent": (NO_PERSONAL_DATA, "'check your mail'; the address is not repeated"),
    "GET /subscribe/<token>/confirm/<code>": (NO_PERSONAL_DATA, "the list's name and a confirm button"),
    "GET /api/v1/mailing-lists/<list_id>/audience": (PERSONAL, "who of the source is mailed or left out"),
    "GET /api/v1/mailing-lists/<list_id>/syncs": (NO_PERSONAL_DATA, "sync runs: status and counts"),
    "GET /api/v1/mailing-syncs/<run_id>": (PERSONAL, "a sync run's refused rows name contacts"),
    "GET /api/v1/mailing-flags": (PERSONAL, "contacts' bounce and unsubscribe flags"),
    "GET /api/v1/mailing/mails": (PERSONAL, "the message log: recipients' addresses and subjects"),
    "GET /mailing": (NO_PERSONAL_DATA, "mailing lists, and the groups, searches and purposes to choose"),
    "GET /mailing/<list_id>": (NO_PERSONAL_DATA, "a list's counts per reason and its syncs; no names"),
    "GET /mailing/<list_id>/excluded": (PERSONAL, "the contacts left out for one reason"),
    "GET /mailing/mails": (PERSONAL, "the message log: recipients' addresses and subjects"),
    # --- mail templates and campaigns (M2, M1, M4) ---
    "GET /api/v1/mail-templates": (NO_PERSONAL_DATA, "templates: names, subjects, MJML and text sources"),
    "GET /api/v1/mail-templates/<template_id>": (NO_PERSONAL_DATA, "one template's sources"),
    "POST /api/v1/mail-templates:check": (NO_PERSONAL_DATA, "a template rendered with sample values"),
    "GET /api/v1/mail-templates/<template_id>/preview": (PERSONAL, "rendered for a contact: their name"),
    "GET /mailing/templates": (NO_PERSONAL_DATA, "templates: names and subjects"),
    "GET /mailing/templates/new": (NO_PERSONAL_DATA, "an empty template form"),
    "GET /mailing/templates/<template_id>": (NO_PERSONAL_DATA, "a template's form and sample preview"),
    "GET /mailing/templates/<template_id>/preview": (NO_PERSONAL_DATA, "rendered with sample values"),
    "GET /api/v1/campaigns": (NO_PERSONAL_DATA, "campaigns: names, subjects, states, counts"),
    "GET /api/v1/campaigns/<campaign_id>": (NO_PERSONAL_DATA, "a campaign, its state, counts and report"),
    "GET /api/v1/campaigns/<campaign_id>/preview": (PERSONAL, "rendered for a contact: their name"),
    "GET /api/v1/campaigns/<campaign_id>/recipients": (PERSONAL, "the ledger: who it was sent to"),
    "GET /api/v1/mailing/contacts/<contact_id>/campaigns": (PERSONAL, "the campaigns sent to a contact"),
    "GET /api/v1/mailing/campaign-content/<campaign_id>/<secret>.html": (
        NO_PERSONAL_DATA,
        "a campaign's HTML with Campaign Monitor's tags in place of the merge fields",
    ),
    "GET /api/v1/mailing/campaign-content/<campaign_id>/<secret>.txt": (
        NO_PERSONAL_DATA,
        "a campaign's text with Campaign Monitor's tags in place of the merge fields",
    ),
    "GET /mailing/campaigns": (NO_PERSONAL_DATA, "campaigns, and the templates and lists to choose"),
    "GET /mailing/campaigns/<campaign_id>": (
        NO_PERSONAL_DATA,
        "a campaign's details and report; its preview for a person is the preview document's read (opened "
        "with ?contact_id=, the picker shows their name: contacts.get_contact's audited read)",
    ),
    "GET /mailing/campaigns/<campaign_id>/preview": (PERSONAL, "rendered for a contact: their name"),
    "GET /mailing/campaigns/<campaign_id>/recipients": (PERSONAL, "the ledger: who it was sent to"),
    # --- the dashboard: the upcoming round birthdays (the figures: one contact.counted record) ---
    "GET /dashboard": (PERSONAL, "upcoming round birthdays"),
    "GET /api/v1/dashboard": (PERSONAL, "upcoming round birthdays"),
    # --- round birthdays ---
    "GET /settings/birthdays": (NO_PERSONAL_DATA, SETTINGS),
    "GET /api/v1/birthdays": (PERSONAL, "upcoming round birthdays"),
    "GET /api/v1/birthday-settings": (NO_PERSONAL_DATA, SETTINGS),
    # --- automations ---
    "GET /automations": (NO_PERSONAL_DATA, "automation definitions"),
    "GET /automations/new": (NO_PERSONAL_DATA, "an empty form"),
    "GET /automations/<automation_id>": (PERSONAL, "an automation's run history"),
    "GET /automations/<automation_id>/edit": (NO_PERSONAL_DATA, "an automation definition"),
    "GET /api/v1/automations": (NO_PERSONAL_DATA, "automation definitions"),
    "GET /api/v1/automations/<automation_id>": (NO_PERSONAL_DATA, "an automation definition"),
    "GET /api/v1/automations/<automation_id>/runs": (PERSONAL, "an automation's run history"),
    "POST /api/v1/automations:dry-run": (PERSONAL, "the contacts an automation would touch"),
    # --- duplicates and merge ---
    "GET /duplicates": (PERSONAL, "duplicate pairs"),
    "GET /compare": (PERSONAL, "contacts side by side"),
    "POST /compare/confirm": (PERSONAL, "a merge's confirmation, values side by side"),
    "GET /api/v1/contacts/<contact_id>/duplicates": (PERSONAL, "a contact's likely duplicates"),
    "GET /api/v1/duplicates": (PERSONAL, "duplicate pairs"),
    "GET /api/v1/contacts:compare": (PERSONAL, "contacts side by side"),
    # --- audit log: each read of the log is itself recorded ---
    "GET /api/v1/contacts/<contact_id>/audit": (PERSONAL, "who touched this contact"),
    "GET /api/v1/contacts/<contact_id>/readers": (PERSONAL, "who has seen this contact"),
    "GET /api/v1/contacts/<contact_id>/changes": (PERSONAL, "old and new values of a contact's fields"),
    "GET /audit": (PERSONAL, "the audit log search"),
    "GET /audit/contacts/<contact_id>": (PERSONAL, "who touched this contact"),
    "GET /audit/users/<actor_id>": (PERSONAL, "what a user did, to whom"),
    "GET /audit/events.csv": (PERSONAL, "the audit log export"),
    "GET /api/v1/audit/events": (PERSONAL, "the audit log search"),
    "GET /api/v1/audit/events.csv": (PERSONAL, "the audit log export"),
    "GET /api/v1/audit/verify": (NO_PERSONAL_DATA, "the hash chain's integrity report"),
    # --- GDPR ---
    "GET /contacts/<contact_id>/access-report": (PERSONAL, "everything held about a person"),
    "GET /contacts/<contact_id>/erase": (PERSONAL, "the erasure form names the contact"),
    "GET /erasures": (NO_PERSONAL_DATA, ERASURES),
    "GET /erasures/<erasure_id>": (NO_PERSONAL_DATA, ERASURES),
    "GET /api/v1/contacts/<contact_id>/access-report": (PERSONAL, "everything held about a person"),
    "GET /api/v1/erasures": (NO_PERSONAL_DATA, ERASURES),
    "GET /api/v1/erasures/<erasure_id>": (NO_PERSONAL_DATA, ERASURES),
    # --- data protection and retention ---
    "GET /contacts/<contact_id>/data-protection": (PERSONAL, "a person's consents and legal bases"),
    "GET /data-protection/purposes": (NO_PERSONAL_DATA, SETTINGS),
    "GET /data-protection/retention": (PERSONAL, "retention rules and who is past them"),
    "POST /data-protection/retention/erase": (NO_PERSONAL_DATA, "a count and the ids the caller picked"),
    "GET /api/v1/contacts/<contact_id>/data-protection": (PERSONAL, "a person's consents and bases"),
    "GET /api/v1/contacts/<contact_id>/consents": (PERSONAL, "a person's consents"),
    "GET /api/v1/contacts/<contact_id>/legal-bases": (PERSONAL, "a person's legal bases"),
    "GET /api/v1/processing-purposes": (NO_PERSONAL_DATA, SETTINGS),
    "GET /api/v1/retention-rules": (NO_PERSONAL_DATA, SETTINGS),
    "GET /api/v1/retention/past": (PERSONAL, "who is past the retention rules"),
    "GET /api/v1/retention/past:count": (COUNTED, "how many contacts are past retention"),
    # --- invoicing (B1-B4): the billing service audits its reads, naming the invoices' payers ---
    "GET /api/v1/billing/invoices": (PERSONAL, "invoices: payers' names and addresses"),
    "GET /api/v1/billing/invoices/<invoice_id>": (PERSONAL, "an invoice: the payer's name and address"),
    "GET /api/v1/billing/invoices/<invoice_id>/pdf": (PERSONAL, "an invoice PDF"),
    "GET /api/v1/billing/invoices/<invoice_id>/finvoice": (PERSONAL, "an invoice as Finvoice XML"),
    "GET /api/v1/billing/invoices/<invoice_id>/einvoices": (
        PERSONAL,
        "an invoice's e-invoice sendings: the payer's e-invoice address",
    ),
    "POST /api/v1/exports:preview": (PERSONAL, "the address labels an export would print: names, addresses"),
    "POST /exports/preview": (PERSONAL, "the export form with the labels' preview: names, addresses"),
    "POST /api/v1/billing/runs:preview": (
        PERSONAL,
        "who a run would invoice (read through contacts.payer_page)",
    ),
    "GET /api/v1/billing/payments": (PERSONAL, "payments and the invoices suggested for them"),
    "GET /billing/invoices": (PERSONAL, "invoices: payers' names"),
    "GET /billing/invoices/<invoice_id>": (PERSONAL, "an invoice: the payer's name and address"),
    "GET /api/v1/billing/invoices/<invoice_id>/page": (
        PERSONAL,
        "the invoice page's data: the payer's name, address, e-invoice address, payments, reminders",
    ),
    "GET /billing/email-deliveries/<delivery_id>": (NO_PERSONAL_DATA, "a redirect to the mail's invoice"),
    "GET /billing/fee-types/<fee_type_id>": (NO_PERSONAL_DATA, "a fee type and its split among parties"),
    "GET /billing/invoices/<invoice_id>/pdf": (PERSONAL, "an invoice PDF"),
    "GET /billing/invoices/<invoice_id>/finvoice": (PERSONAL, "an invoice as Finvoice XML"),
    "GET /billing/payments": (PERSONAL, "payments and the invoices suggested for them"),
    "GET /api/v1/billing/fee-types": (NO_PERSONAL_DATA, "fee types: names, amounts, VAT classes"),
    "GET /api/v1/billing/retention": (NO_PERSONAL_DATA, "counts of records past retention"),
    "GET /api/v1/billing/vat-rates": (NO_PERSONAL_DATA, SETTINGS),
    "GET /api/v1/billing/runs": (NO_PERSONAL_DATA, "invoice runs: fee, selection criteria, counts, totals"),
    "GET /api/v1/billing/runs/<run_id>": (
        NO_PERSONAL_DATA,
        "an invoice run: fee, selection criteria, counts, totals",
    ),
    "GET /billing": (NO_PERSONAL_DATA, "fee types and invoice runs: no contact's data"),
    "GET /billing/runs/new": (NO_PERSONAL_DATA, "the invoice run form: fee types, groups, saved searches"),
    # B4 reminders: the billing service audits reads of reminders, previews and the collection list
    "POST /api/v1/billing/reminder-runs:preview": (PERSONAL, "which invoices a reminder run would remind"),
    "GET /api/v1/billing/invoices/<invoice_id>/reminders": (PERSONAL, "an invoice's reminders"),
    "GET /api/v1/billing/reminders/<reminder_id>/pdf": (PERSONAL, "a reminder PDF: the payer's address"),
    "GET /api/v1/billing/collection": (PERSONAL, "invoices for collection: payers' names and addresses"),
    "GET /api/v1/billing/collection/export": (PERSONAL, "the collection list as a file"),
    "GET /billing/reminders/<reminder_id>/pdf": (PERSONAL, "a reminder PDF: the payer's address"),
    "GET /billing/collection": (PERSONAL, "invoices for collection: payers' names"),
    "GET /billing/collection/export": (PERSONAL, "the collection list as a file"),
    "GET /api/v1/billing/reminders/settings": (NO_PERSONAL_DATA, SETTINGS),
    "GET /api/v1/billing/reminder-runs": (NO_PERSONAL_DATA, "reminder runs: dates, counts, totals"),
    "GET /api/v1/billing/reminder-runs/<run_id>": (NO_PERSONAL_DATA, "a reminder run: counts, totals"),
    "GET /billing/reminders": (NO_PERSONAL_DATA, "reminder levels, reference rates and runs"),
    "GET /billing/reminder-runs/<run_id>": (NO_PERSONAL_DATA, "a reminder run: counts and totals"),
    # B1 federation split: the parties are organisations; the report holds sums per party, no payer
    "GET /api/v1/billing/parties": (NO_PERSONAL_DATA, "settlement parties: organisations"),
    "GET /billing/parties": (NO_PERSONAL_DATA, "settlement parties: organisations"),
    "GET /api/v1/billing/settlement": (NO_PERSONAL_DATA, "settlement report: sums per party, no payer"),
    "GET /api/v1/billing/settlement/file": (NO_PERSONAL_DATA, "settlement report: sums per party, no payer"),
    "GET /billing/settlement": (NO_PERSONAL_DATA, "settlement report: sums per party, no payer"),
    "GET /billing/settlement/download": (NO_PERSONAL_DATA, "settlement report: sums per party, no payer"),
    "GET /billing/runs/<run_id>": (
        NO_PERSONAL_DATA,
        "an invoice run: counts and totals, its invoices' numbers with their e-mail status",
    ),
    "GET /api/v1/billing/invoices/<invoice_id>/emails": (
        NO_PERSONAL_DATA,
        "an invoice's e-mailings: statuses and times, no address",
    ),
    "GET /api/v1/billing/runs/<run_id>/emails": (
        NO_PERSONAL_DATA,
        "a run's invoices: numbers and e-mail statuses, no names or addresses",
    ),
    "GET /api/v1/billing/runs/<run_id>/email-preview": (PERSONAL, "who a run's e-mail goes to or not: names"),
    "GET /billing/runs/<run_id>/email": (PERSONAL, "who a run's e-mail goes to or not: names"),
    # --- exports (I2): a job's file is audited as the job's download; its pages as each contact's read ---
    "GET /api/v1/contacts:export": (PERSONAL, "contacts' data streamed"),
    "GET /api/v1/contacts/<contact_id>/vcard": (PERSONAL, "a contact's vCard"),
    "GET /api/v1/contacts/<contact_id>/qr": (PERSONAL, "a contact's vCard as a QR code"),
    "GET /contacts/<contact_id>/vcard": (PERSONAL, "a contact's vCard"),
    "GET /contacts/<contact_id>/qr": (PERSONAL, "a contact's vCard as a QR code"),
    "GET /api/v1/exports/<job_id>/file": (PERSONAL, "an export's file"),
    "GET /exports/<job_id>/download": (PERSONAL, "an export's file"),
    "GET /api/v1/exports": (NO_PERSONAL_DATA, EXPORT_JOBS),
    "GET /api/v1/exports/<job_id>": (NO_PERSONAL_DATA, EXPORT_JOBS),
    "GET /api/v1/exports/formats": (NO_PERSONAL_DATA, "the export formats and their columns"),
    "GET /exports": (NO_PERSONAL_DATA, EXPORT_JOBS),
    "GET /exports/<job_id>": (NO_PERSONAL_DATA, EXPORT_JOBS),
    "GET /exports/new": (NO_PERSONAL_DATA, "the export form"),
    # --- imports (I1): the file's rows are audited as reads of the import ---
    "GET /api/v1/imports": (NO_PERSONAL_DATA, IMPORT_JOBS),
    "GET /api/v1/imports/<import_id>": (NO_PERSONAL_DATA, IMPORT_JOBS),
    # --- application rounds (Q3) ---
    "GET /api/v1/application-rounds": (NO_PERSONAL_DATA, ROUNDS),
    "GET /api/v1/application-rounds/<round_id>": (NO_PERSONAL_DATA, ROUNDS),
    "GET /applications": (NO_PERSONAL_DATA, ROUNDS),
    "GET /api/v1/application-rounds/<round_id>/results": (PERSONAL, "the round's results by application"),
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>/decision-letter": (
        PERSONAL,
        "the decision letter to the applicant",
    ),
    "GET /applications/<round_id>/<application_id>/letter": (
        PERSONAL,
        "the decision letter to the applicant",
    ),
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>/decision-letter.pdf": (
        PERSONAL,
        "the decision letter to the applicant, as PDF",
    ),
    "GET /applications/<round_id>/<application_id>/letter.pdf": (
        PERSONAL,
        "the decision letter to the applicant, as PDF",
    ),
    "GET /review": (REVIEWER_READ, "the reviewer's assigned applications: released titles, no applicant"),
    "GET /review/<application_id>": (REVIEWER_READ, "an assigned application's released fields"),
    "GET /review/<application_id>/attachments/<attachment_id>": (REVIEWER_READ, "an assigned attachment"),
    "GET /api/v1/application-rounds/<round_id>/reviewers": (PERSONAL, "reviewers and their own contacts"),
    "GET /api/v1/application-rounds/<round_id>/assignments": (
        NO_PERSONAL_DATA,
        "who reviews which application: ids, usernames, override reasons; no applicant",
    ),
    "GET /api/v1/application-rounds/<round_id>/applications": (PERSONAL, "a round's applications and whose"),
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>": (PERSONAL, "an application"),
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>/attachments/<attachment_id>": (
        PERSONAL,
        "an application's attachment",
    ),
    "GET /applications/<round_id>": (PERSONAL, "a round's applications and whose"),
    "GET /applications/<round_id>/<application_id>": (PERSONAL, "an application and its applicant"),
    "GET /applications/<round_id>/<application_id>/attachments/<attachment_id>": (
        PERSONAL,
        "an application's attachment",
    ),
    # --- surveys (Q1, Q2) ---
    "GET /api/v1/surveys/remote": (NO_PERSONAL_DATA, SURVEYS),
    "GET /api/v1/surveys": (NO_PERSONAL_DATA, SURVEYS),
    "GET /api/v1/surveys/<link_id>": (NO_PERSONAL_DATA, SURVEYS),
    "GET /surveys": (NO_PERSONAL_DATA, SURVEYS),
    "GET /api/v1/surveys/<link_id>/participants": (PERSONAL, "a survey's participants"),
    "GET /api/v1/surveys/<link_id>/responses": (PERSONAL, "the responses taken in and whose they are"),
    "GET /api/v1/survey-proposals": (PERSONAL, "changes responses propose to contacts"),
    "GET /surveys/<link_id>": (PERSONAL, "a survey's participants, responses and proposals"),
    "GET /api/v1/imports/fields": (NO_PERSONAL_DATA, "the fields a column can be mapped to"),
    "GET /api/v1/imports/<import_id>/preview": (PERSONAL, "an import file's first rows"),
    "GET /api/v1/imports/<import_id>/errors": (PERSONAL, "an import file's rows with errors"),
    "GET /api/v1/imports/<import_id>/errors.xlsx": (PERSONAL, "an import file's rows with errors"),
    "GET /imports": (NO_PERSONAL_DATA, IMPORT_JOBS),
    "GET /imports/<import_id>": (PERSONAL, "an import's progress and its file's first rows"),
    "GET /imports/<import_id>/mapping": (NO_PERSONAL_DATA, "the file's column headings and the choices"),
    "GET /imports/<import_id>/errors.xlsx": (PERSONAL, "an import file's rows with errors"),
}

# Routes that change state; each is audited as a write (each feature's tests check its records).
WRITE_ROUTES = {
    "POST /api/v1/billing/reminders/reference-rates",
    "POST /api/v1/billing/reminder-runs",
    "PUT /api/v1/billing/invoices/<invoice_id>/hold",
    "POST /billing/reminders",
    "POST /billing/reminders/rates",
    "POST /billing/invoices/<invoice_id>/hold",
    "POST /api/v1/billing/fee-types",
    "PUT /api/v1/billing/fee-types/<fee_type_id>/components",
    "POST /billing/fee-types/<fee_type_id>/components",
    "POST /api/v1/billing/invoices",
    "POST /api/v1/billing/invoices/<invoice_id>/credit",
    "POST /api/v1/billing/invoices/<invoice_id>/einvoice",
    "POST /api/v1/billing/invoices/<invoice_id>/email",
    "POST /api/v1/billing/runs/<run_id>/email",
    "POST /api/v1/billing/runs",
    "POST /api/v1/billing/bank-files",
    "POST /api/v1/billing/payments/<payment_id>/match",
    "POST /billing/fee-types",
    "POST /billing/invoices/<invoice_id>/credit",
    "POST /billing/invoices/<invoice_id>/einvoice",
    "POST /billing/invoices/<invoice_id>/email",
    "POST /billing/runs/<run_id>/email",
    "POST /billing/runs",
    "POST /billing/bank-files",
    "POST /billing/payments/<payment_id>/match",
    "POST /api/v1/billing/parties",
    "POST /billing/parties",
    "POST /account/password",
    "POST /account/totp",
    "POST /account/totp/disable",
    "POST /admin/api-tokens",
    "POST /admin/api-tokens/<token_id>/revoke",
    "POST /admin/roles",
    "POST /admin/roles/<code>",
    "POST /admin/roles/<code>/delete",
    "POST /admin/user-groups",
    "POST /admin/user-groups/<group_id>",
    "POST /admin/user-groups/<group_id>/delete",
    "POST /admin/users",
    "POST /admin/users/<user_id>",
    "POST /admin/users/<user_id>/reset-password",
    "POST /admin/users/<user_id>/reset-totp",
    "POST /admin/users/<user_id>/unlock",
    "POST /api/v1/account/password",
    "DELETE /api/v1/affiliations/<affiliation_id>",
    "PATCH /api/v1/affiliations/<affiliation_id>",
    "POST /api/v1/api-tokens",
    "DELETE /api/v1/api-tokens/<token_id>",
    "DELETE /api/v1/auth/token",
    "POST /api/v1/auth/token",
    "POST /api/v1/automations",
    "DELETE /api/v1/automations/<automation_id>",
    "PATCH /api/v1/automations/<automation_id>",
    "PUT /api/v1/birthday-settings",
    "POST /api/v1/contacts",
    "DELETE /api/v1/contacts/<contact_id>",
    "PATCH /api/v1/contacts/<contact_id>",
    "POST /api/v1/contacts/<contact_id>/consents",
    "DELETE /api/v1/contacts/<contact_id>/deceased",
    "POST /api/v1/contacts/<contact_id>/deceased",
    "POST /api/v1/contacts/<contact_id>/legal-bases",
    "DELETE /api/v1/contacts/<contact_id>/legal-bases/<basis_id>",
    "PUT /api/v1/contacts/<contact_id>/membership-flag",
    "DELETE /api/v1/contacts/<contact_id>/membership-flag",
    "POST /api/v1/contacts/<contact_id>/legal-bases/<basis_id>/end",
    "POST /api/v1/contacts/<contact_id>/names",
    "DELETE /api/v1/contacts/<contact_id>/names/<name_id>",
    "POST /api/v1/contacts/<contact_id>/organisations",
    "DELETE /api/v1/contacts/<contact_id>/photo",
    "PUT /api/v1/contacts/<contact_id>/photo",
    "POST /api/v1/contacts/<contact_id>/statuses",
    "DELETE /api/v1/contacts/<contact_id>/statuses/<status_id>",
    "PATCH /api/v1/contacts/<contact_id>/statuses/<status_id>",
    "POST /api/v1/contacts/<contact_id>:erase",
    "POST /api/v1/contacts:merge",
    "POST /api/v1/couples",
    "DELETE /api/v1/couples/<couple_id>",
    "POST /api/v1/custom-fields",
    "DELETE /api/v1/custom-fields/<field_id>",
    "PATCH /api/v1/custom-fields/<field_id>",
    "POST /api/v1/custom-fields/<field_id>/restore",
    "POST /api/v1/duplicates/dismiss",
    "POST /api/v1/duplicates/scan",
    "POST /api/v1/erasures/<erasure_id>:retry",
    "POST /api/v1/groups",
    "PATCH /api/v1/groups/<group_id>",
    "POST /api/v1/groups/<group_id>/members",
    "POST /api/v1/groups/<group_id>/members:remove",
    "POST /api/v1/groups/<group_id>/members:add-matching",
    "POST /api/v1/groups/<group_id>/members:end-matching",
    "POST /api/v1/processing-purposes",
    "PATCH /api/v1/processing-purposes/<code>",
    "POST /api/v1/retention-rules",
    "DELETE /api/v1/retention-rules/<rule_id>",
    "PATCH /api/v1/retention-rules/<rule_id>",
    "POST /api/v1/retention/erasures",
    "POST /api/v1/roles",
    "DELETE /api/v1/roles/<code>",
    "PATCH /api/v1/roles/<code>",
    "POST /api/v1/saved-searches",
    "DELETE /api/v1/saved-searches/<search_id>",
    "PATCH /api/v1/saved-searches/<search_id>",
    "POST /api/v1/mailing-lists",
    "PATCH /api/v1/mailing-lists/<list_id>",
    "POST /api/v1/mailing-lists/<list_id>:archive",
    "PATCH /api/v1/mailing-lists/<list_id>/subscription-form",
    "POST /mailing/<list_id>/subscription-form",
    "POST /subscribe/<token>",
    "POST /subscribe/<token>/confirm/<code>",
    "POST /review/<application_id>/conflict",
    "POST /api/v1/mailing-lists/<list_id>/syncs",
    "POST /api/v1/mailing-lists/<list_id>/webhook",
    "POST /api/v1/mailing/webhooks/<list_id>/<secret>",
    "POST /api/v1/mailing/bounces/<secret>",
    "POST /mailing",
    "POST /mailing/<list_id>/sync",
    "POST /mailing/<list_id>/webhook",
    "POST /api/v1/mail-templates",
    "PATCH /api/v1/mail-templates/<template_id>",
    "POST /api/v1/mail-templates/<template_id>:archive",
    "POST /mailing/templates",
    "POST /mailing/templates/<template_id>",
    "POST /mailing/templates/<template_id>/archive",
    "POST /api/v1/campaigns",
    "POST /api/v1/campaigns/<campaign_id>/tests",
    "POST /api/v1/campaigns/<campaign_id>:send",
    "POST /api/v1/campaigns/<campaign_id>:unschedule",
    "POST /api/v1/campaigns/<campaign_id>/report",
    "POST /mailing/campaigns",
    "POST /mailing/campaigns/<campaign_id>/test",
    "POST /mailing/campaigns/<campaign_id>/send",
    "POST /mailing/campaigns/<campaign_id>/unschedule",
    "POST /mailing/campaigns/<campaign_id>/report",
    "POST /api/v1/status-kinds",
    "POST /api/v1/user-groups",
    "DELETE /api/v1/user-groups/<group_id>",
    "PATCH /api/v1/user-groups/<group_id>",
    "POST /api/v1/users",
    "PATCH /api/v1/users/<user_id>",
    "POST /api/v1/users/<user_id>:reset-password",
    "POST /api/v1/users/<user_id>:reset-totp",
    "POST /api/v1/users/<user_id>:unlock",
    "POST /audit/verify",
    "POST /automations/<automation_id>/delete",
    "POST /automations/<automation_id>/edit",
    "POST /automations/<automation_id>/toggle",
    "POST /automations/new",
    "POST /contacts/<contact_id>/consents",
    "POST /contacts/<contact_id>/couple",
    "POST /contacts/<contact_id>/couple/<couple_id>/delete",
    "POST /contacts/<contact_id>/deceased",
    "POST /contacts/<contact_id>/deceased/delete",
    "POST /contacts/<contact_id>/membership-flag",
    "POST /contacts/<contact_id>/membership-flag/delete",
    "POST /contacts/<contact_id>/delete",
    "POST /contacts/<contact_id>/edit",
    "POST /contacts/<contact_id>/erase",
    "POST /contacts/<contact_id>/legal-bases",
    "POST /contacts/<contact_id>/legal-bases/<basis_id>/delete",
    "POST /contacts/<contact_id>/legal-bases/<basis_id>/end",
    "POST /contacts/<contact_id>/names",
    "POST /contacts/<contact_id>/names/<name_id>/delete",
    "POST /contacts/<contact_id>/organisations",
    "POST /contacts/<contact_id>/organisations/<affiliation_id>/delete",
    "POST /contacts/<contact_id>/organisations/<affiliation_id>/edit",
    "POST /contacts/<contact_id>/photo",
    "POST /contacts/<contact_id>/photo/delete",
    "POST /contacts/<contact_id>/statuses",
    "POST /contacts/<contact_id>/statuses/<status_id>/delete",
    "POST /contacts/<contact_id>/statuses/<status_id>/end",
    "POST /contacts/new",
    "POST /data-protection/purposes",
    "POST /data-protection/purposes/<code>",
    "POST /data-protection/retention/erase/confirm",
    "POST /data-protection/retention/rules",
    "POST /data-protection/retention/rules/<rule_id>/delete",
    "POST /data-protection/retention/rules/<rule_id>/toggle",
    "POST /duplicates/dismiss",
    "POST /duplicates/scan",
    "POST /erasures/<erasure_id>/retry",
    "POST /groups",
    "POST /groups/<group_id>/archive",
    "POST /groups/<group_id>/edit",
    "POST /groups/<group_id>/members",
    "POST /groups/<group_id>/members/end",
    "POST /groups/<group_id>/move",
    "POST /groups/bulk",
    "POST /login",
    "POST /login/totp",
    "POST /logout",
    "POST /merge",
    "POST /saved-searches",
    "POST /saved-searches/<search_id>/delete",
    "POST /saved-searches/<search_id>/edit",
    "POST /api/v1/contacts:batch",
    "POST /api/v1/exports",
    "DELETE /api/v1/exports/<job_id>",
    "POST /exports",
    "POST /exports/<job_id>/delete",
    "POST /api/v1/imports",
    "PUT /api/v1/imports/<import_id>/mapping",
    "POST /api/v1/imports/<import_id>/validate",
    "POST /api/v1/imports/<import_id>/start",
    "POST /api/v1/imports/<import_id>/cancel",
    "POST /api/v1/imports/<import_id>/undo",
    "POST /imports",
    "POST /imports/<import_id>/mapping",
    "POST /imports/<import_id>/start",
    "POST /imports/<import_id>/cancel",
    "POST /imports/<import_id>/undo",
    "POST /settings/birthdays",
    "POST /api/v1/surveys",
    "PATCH /api/v1/surveys/<link_id>",
    "DELETE /api/v1/surveys/<link_id>",
    "POST /api/v1/surveys/<link_id>:push",
    "POST /api/v1/surveys/<link_id>:invite",
    "POST /api/v1/surveys/<link_id>:remind",
    "POST /api/v1/surveys/<link_id>:sync",
    "POST /api/v1/survey-proposals/<proposal_id>:accept",
    "POST /api/v1/survey-proposals/<proposal_id>:reject",
    "POST /surveys",
    "POST /surveys/<link_id>/action",
    "POST /api/v1/application-rounds",
    "PATCH /api/v1/application-rounds/<round_id>",
    "DELETE /api/v1/application-rounds/<round_id>",
    "PUT /api/v1/application-rounds/<round_id>/rubric",
    "POST /api/v1/application-rounds/<round_id>/applications",
    "POST /api/v1/application-rounds/<round_id>/applications:import",
    "DELETE /api/v1/application-rounds/<round_id>/applications/<application_id>",
    "POST /applications",
    "POST /applications/<round_id>",
    "POST /applications/<round_id>/applications",
    "POST /applications/<round_id>/<application_id>/delete",
    "POST /applications/<round_id>/review",
    "POST /applications/<round_id>/<application_id>/decision",
    "POST /api/v1/application-rounds/<round_id>/applications/<application_id>/decision",
    "POST /review/<application_id>",
    "POST /api/v1/application-rounds/<round_id>/reviewers",
    "DELETE /api/v1/application-rounds/<round_id>/reviewers/<reviewer_id>",
    "POST /api/v1/application-rounds/<round_id>/reviewers/<reviewer_id>/declarations",
    "POST /api/v1/application-rounds/<round_id>/assignments",
    "POST /api/v1/application-rounds/<round_id>/assignments:auto",
    "DELETE /api/v1/application-rounds/<round_id>/assignments/<assignment_id>",
    "POST /surveys/proposals/<proposal_id>",
    "POST /settings/custom-fields",
    "POST /settings/custom-fields/<field_id>",
    "POST /settings/custom-fields/<field_id>/<action>",
}

# Path arguments: which seeded thing each <name> is (default: the person); per route where it differs.
PATH_SEED = {
    "contact_id": "anna",
    "affiliation_id": "affiliation",
    "group_id": "group",
    "search_id": "search",
    "automation_id": "automation",
    "erasure_id": "erasure",
    "actor_id": "admin",
    "job_id": "export",
    "import_id": "import",
    "user_id": "admin",
    "field_id": "field",
    "token_id": "api_token",
    "code": "admin_role",
    "filename": "css",
    "action": "remove",
    "link_id": "survey_link",
    "reviewer_id": "application_reviewer",
    "assignment_id": "application_assignment",
    "round_id": "application_round",
    "application_id": "application",
    "attachment_id": "application_attachment",
    "proposal_id": "survey_proposal",
    "list_id": "mailing_list",
    "template_id": "mail_template",
    "campaign_id": "campaign",
    "invoice_id": "invoice",
    "fee_type_id": "fee_type",
    "delivery_id": "email_delivery",
    "run_id": "run",  # a billing run; a mailing sync's run_id: PATH_SEED_BY_ROUTE
    "payment_id": "payment",
    "reminder_id": "reminder",
}
PATH_SEED_BY_ROUTE = {
    "GET /subscribe/<token>": {"token": "subscribe_token"},
    "GET /subscribe/<token>/sent": {"token": "subscribe_token"},
    "GET /subscribe/<token>/confirm/<code>": {"token": "subscribe_token", "code": "subscribe_code"},
    "GET /api/v1/mailing/campaign-content/<campaign_id>/<secret>.html": {"secret": "campaign_secret"},
    "GET /api/v1/mailing/campaign-content/<campaign_id>/<secret>.txt": {"secret": "campaign_secret"},
    "GET /lang/<code>": {"code": "en"},
    "GET /api/v1/mailing-syncs/<run_id>": {"run_id": "mailing_run"},
    "GET /api/v1/billing/reminder-runs/<run_id>": {"run_id": "reminder_run"},
    "GET /billing/reminder-runs/<run_id>": {"run_id": "reminder_run"},
    "GET /api/v1/billing/invoices/<invoice_id>/reminders": {"invoice_id": "overdue_invoice"},
    "GET /admin/user-groups/<group_id>": {"group_id": "user_group"},
    "GET /api/v1/user-groups/<group_id>": {"group_id": "user_group"},
    "GET /contacts/<contact_id>/people": {"contact_id": "acme"},
    "GET /api/v1/contacts/<contact_id>/people": {"contact_id": "acme"},
    "GET /api/v1/contacts/<contact_id>/duplicates": {"contact_id": "jose"},
}
# Query strings and bodies of the walk, from the seed.
PARAMS = {
    "GET /api/v1/mailing-flags": lambda s: {"ids": s["anna"]},
    "GET /api/v1/mailing/mails": lambda s: {"contact_id": s["anna"]},
    "GET /mailing/<list_id>/excluded": lambda s: {"reason": "unsubscribed"},
    "GET /api/v1/mail-templates/<template_id>/preview": lambda s: {"contact_id": s["anna"]},
    "GET /api/v1/campaigns/<campaign_id>/preview": lambda s: {"contact_id": s["anna"]},
    "GET /mailing/campaigns/<campaign_id>/preview": lambda s: {"contact_id": s["anna"]},
    "GET /compare": lambda s: {"ids": f"{s['jose']},{s['jose2']}"},
    "GET /api/v1/contacts:compare": lambda s: {"ids": f"{s['jose']},{s['jose2']}"},
    "GET /api/v1/contacts:export": lambda s: {"format": "ndjson", "q": "kävelijä"},
    "GET /contacts": lambda s: {"q": "kävelijä"},
    "GET /search/suggestions": lambda s: {"q": "kävelijä"},
    "GET /api/v1/contacts": lambda s: {"q": "kävelijä"},
    "GET /api/v1/contacts:count": lambda s: {"q": "kävelijä", "born_from": "1900-01-01"},
    "GET /contacts/advanced": lambda s: {"r1_field": "text", "r1_value": "kävelijä"},
    "GET /audit": lambda s: {"subject_id": s["anna"]},
    "GET /groups/bulk": lambda s: {"action": "add", "contact_ids": [s["anna"], s["matti"]]},
    "GET /saved-searches/open": lambda s: {"id": s["search"]},
    "GET /audit/events.csv": lambda s: {"subject_id": s["anna"]},
    "GET /api/v1/audit/events": lambda s: {"subject_id": s["anna"]},
    "GET /api/v1/audit/events.csv": lambda s: {"subject_id": s["anna"]},
    "GET /api/v1/billing/settlement": lambda s: {"period": "2026"},
    "GET /api/v1/billing/settlement/file": lambda s: {"period": "2026", "format": "csv"},
    "GET /billing/settlement/download": lambda s: {"period": "2026-Q4", "format": "xlsx"},
}
BODIES = {
    "POST /api/v1/mail-templates:check": lambda s: {
        "name": "x",
        "subject": "Hei {{ first_name }}",
        "mjml": "<mjml><mj-body></mj-body></mjml>",
        "text": "Hei",
    },
    "POST /api/v1/billing/reminder-runs:preview": lambda s: {},
    "POST /api/v1/billing/runs:preview": lambda s: {
        "fee_type_id": s["fee_type"],
        "selection": {"kind": "group", "id": s["group"]},
    },
    "POST /api/v1/contacts:search": lambda s: {"expression": {"text": "kävelijä"}},
    "POST /api/v1/contacts:search-count": lambda s: {
        "expression": {"and": [{"text": "kävelijä"}, {"filter": "born_from", "value": "1900-01-01"}]}
    },
    "POST /api/v1/automations:dry-run": lambda s: {"automation_id": s["automation"]},
    "POST /api/v1/exports:preview": lambda s: {
        "format": "labels",
        "selection": {"kind": "ids", "ids": [s["anna"]]},
    },
    "POST /exports/preview": lambda s: {
        "format": "labels",
        "selection": json.dumps({"kind": "ids", "ids": [s["anna"]]}),
    },
    "POST /compare/confirm": lambda s: {
        "ids": f"{s['jose']},{s['jose2']}",
        "survivor_id": s["jose"],
        "merged_ids": s["jose2"],
    },
}
# Routes that show a contact only by its id (the contact the answer is about), no data of theirs.
ID_ONLY = {
    "GET /api/v1/contacts/<contact_id>/duplicates": "jose",  # its candidates' data, its own id only
}
# Reads recorded naming what was asked for, not every id in the answer. The audit log shows ids, actions
# and field names, never values: the contact whose trail it is, the user whose actions.
NAMED_SUBJECTS = {
    # Q3: the decision letter as PDF names the applicant in its text, not by id
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>/decision-letter.pdf": "anna",
    "GET /applications/<round_id>/<application_id>/letter.pdf": "anna",
    # Q3: a round's page lists its applications (titles) and an attachment is the applicant's file: each
    # read names the applicant, whose id the answer itself need not show.
    "GET /applications/<round_id>": "anna",
    "GET /api/v1/application-rounds/<round_id>/results": "anna",
    "GET /applications/<round_id>/<application_id>/attachments/<attachment_id>": "anna",
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>/attachments/<attachment_id>": (
        "anna"
    ),
    "GET /api/v1/contacts/<contact_id>/audit": "anna",
    "GET /api/v1/contacts/<contact_id>/readers": "anna",
    "GET /audit": "anna",
    "GET /audit/contacts/<contact_id>": "anna",
    "GET /audit/users/<actor_id>": "admin",
    "GET /audit/events.csv": "anna",
    "GET /api/v1/audit/events": "anna",
    "GET /api/v1/audit/events.csv": "anna",
    # An export's file was read, page by page, by its job (each contact.exported naming its contacts);
    # downloading it is recorded as a read of the job. An import file's rows are not contacts (yet):
    # their reads name the import.
    "GET /api/v1/exports/<job_id>/file": "export",
    "GET /exports/<job_id>/download": "export",
    # An invoice's PDF and XML name its payer (the contact whose invoice it is).
    "GET /api/v1/billing/invoices/<invoice_id>/pdf": "anna",
    "GET /api/v1/billing/invoices/<invoice_id>/finvoice": "anna",
    "GET /api/v1/billing/invoices/<invoice_id>/einvoices": "anna",
    # The message log of one person names that person, whatever it holds.
    "GET /api/v1/mailing/mails": "anna",
    # A preview for a person is read through the contacts service (contact.viewed), whatever it shows;
    # a person's campaigns name that person.
    "GET /api/v1/mail-templates/<template_id>/preview": "anna",
    "GET /api/v1/campaigns/<campaign_id>/preview": "anna",
    "GET /mailing/campaigns/<campaign_id>/preview": "anna",
    "GET /api/v1/mailing/contacts/<contact_id>/campaigns": "anna",
    "GET /billing/invoices/<invoice_id>/pdf": "anna",
    "GET /billing/invoices/<invoice_id>/finvoice": "anna",
    "GET /api/v1/billing/reminders/<reminder_id>/pdf": "anna",
    "GET /billing/reminders/<reminder_id>/pdf": "anna",
    "GET /api/v1/imports/<import_id>/preview": "import",
    "GET /api/v1/imports/<import_id>/errors": "import",
    "GET /api/v1/imports/<import_id>/errors.xlsx": "import",
    "GET /imports/<import_id>": "import",
    "GET /imports/<import_id>/errors.xlsx": "import",
}


def route_classes():
    """{route: class} of every classified route (for scripts/route_table.py too)."""
    return {**{route: WRITE for route in WRITE_ROUTES}, **{r: c for r, (c, _) in ROUTE_AUDIT.items()}}


def test_g2_every_route_is_classified():
    classes = route_classes()
    unclassified = [route for route in gateway_routes() if route not in classes]
    assert not unclassified, (
        "These gateway routes are not in tests/e2e/test_audit_walk.py: "
        f"{unclassified}. Add each to ROUTE_AUDIT as PERSONAL (it returns a contact's data: it must "
        "record an audit read), STAFF_READ (staff accounts, user groups, API tokens: audited reads too) "
        "or NO_PERSONAL_DATA with the reason, or to WRITE_ROUTES; then run "
        "`python scripts/route_table.py` to update docs/routes.md."
    )
    stale = sorted(set(classes) - set(gateway_routes()))
    assert not stale, f"test_audit_walk.py classifies routes that no longer exist: {stale}"
    both = sorted(set(ROUTE_AUDIT) & WRITE_ROUTES)
    assert not both, f"classified twice: {both}"
    reasonless = [route for route, (_, why) in ROUTE_AUDIT.items() if not why.strip()]
    assert not reasonless, f"say why: {reasonless}"


def seed(api, engines):
    """One person with every kind of detail, and the things around them; {name: id}."""
    from tests.integration.test_affiliations import PNG
    from tests.integration.test_data_protection import seed_purposes

    seed_purposes(engines)

    def created(response):
        assert response.status_code in (200, 201, 202), response.text
        return response.json()

    field = created(
        api.post(
            "/api/v1/custom-fields",
            json={"key": "kavely_lempiruoka", "label_fi": "Ruoka", "label_en": "Food", "field_type": "text"},
        )
    )
    # the module's system keeps the databases of the tests before it: say which birthdays are round here
    settings = {"round_ages": [50], "horizon_days": 30, "important_filters": {}}
    assert api.put("/api/v1/birthday-settings", json=settings).status_code == 200
    soon = date.today() + timedelta(days=5)
    soon += timedelta(days=1) if (soon.month, soon.day) == (2, 29) else timedelta(0)
    born = soon.replace(year=soon.year - 50)  # a round birthday in five days: on the dashboard
    anna = created(api.post("/api/v1/contacts", json={
        "first_name": "Ainokaisa", "last_name": "Kävelijä", "birth_date": born.isoformat(),
        "emails": [{"address": "anna.kavelija@example.fi"}], "phones": [{"number": "0401112222"}],
        "addresses": [{"kind": "home", "street": "Polku 1", "postal_code": "00100", "city": "Helsinki"}],
        "tags": ["kävely"], "custom": {field["key"]: "karjalanpiirakka"},
    }))["id"]  # fmt: skip
    matti = created(api.post("/api/v1/contacts", json={"first_name": "Mattias", "last_name": "Kävelijä"}))[
        "id"
    ]
    acme = created(
        api.post("/api/v1/contacts", json={"kind": "organisation", "organisation_name": "Kävely Oy"})
    )
    url = f"/api/v1/contacts/{anna}"
    affiliation = created(
        api.post(f"{url}/organisations", json={"organisation_id": acme["id"], "role": "member"})
    )
    created(api.post("/api/v1/couples", json={"contact_ids": [anna, matti]}))
    created(api.put(f"{url}/photo", data=PNG, headers={"Content-Type": "image/png"}))
    created(api.post(f"{url}/names", json={"kind": "native", "script": "Cyrl", "last_name": "Кявеля"}))
    created(api.post(f"{url}/statuses", json={"kind": "abroad", "starts_on": date.today().isoformat()}))
    created(api.post(f"{url}/consents", json={"purpose": "newsletter", "given": True}))
    created(api.post(f"{url}/legal-bases", json={"purpose": "photos", "basis": "contract"}))
    group = created(api.post("/api/v1/groups", json={"name": "Kävelijät"}))["id"]
    target = created(api.post("/api/v1/groups", json={"name": "Kävelijät B"}))["id"]
    automation = created(api.post("/api/v1/automations", json={
        "name": "kävely", "trigger_type": "member_joined", "trigger_config": {"group_id": group},
        "action_type": "add_to_group", "action_config": {"group_id": target},
    }))["id"]  # fmt: skip
    created(api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": [anna, matti]}))
    search = created(api.post("/api/v1/saved-searches", json={"name": "Kävelijät", "query": "kävelijä"}))[
        "id"
    ]
    jose = created(api.post("/api/v1/contacts", json={"first_name": "José", "last_name": "Kävelyvirta",
                                                      "email": "jose.kavely@example.fi"}))["id"]  # fmt: skip
    jose2 = created(api.post("/api/v1/contacts", json={"first_name": "Jose", "last_name": "Kävelyvirta",
                                                       "email": "jose.kavely@example.fi"}))["id"]  # fmt: skip
    created(api.post("/api/v1/duplicates/scan"))
    doomed = created(
        api.post("/api/v1/contacts", json={"first_name": "Poistuvainen", "last_name": "Kävelijä"})
    )["id"]
    erasure = created(api.post(f"/api/v1/contacts/{doomed}:erase", json={"reason": "the person asked"}))["id"]
    old = created(api.post("/api/v1/contacts", json={"first_name": "Vanhaneva", "last_name": "Kävelijä"}))[
        "id"
    ]
    with engines["contacts"].begin() as conn:  # untouched for years: past the retention rule below
        conn.execute(
            text("UPDATE contacts SET updated_at = '2012-03-04T10:00:00Z' WHERE id = :id"), {"id": old}
        )
    retention = {"name": "Kävelijät passiiviset", "kind": "inactive", "config": {"years": 5}}
    created(api.post("/api/v1/retention-rules", json=retention))
    admin = api.get("/api/v1/me").json()["id"]
    team = {"name": "Kävelytiimi", "member_ids": [], "role": "mailer"}  # no member: the admin stays unscoped
    user_group = created(api.post("/api/v1/user-groups", json=team))["id"]
    token = {"name": "Kävelysynkka", "permissions": ["contacts.view"]}
    api_token = created(api.post("/api/v1/api-tokens", json=token))
    return {"anna": anna, "matti": matti, "acme": acme["id"], "affiliation": affiliation["id"],
            "group": group, "automation": automation, "search": search, "jose": jose, "jose2": jose2,
            "erasure": erasure, "admin": admin, "old": old, "doomed": doomed, "field": field["id"],
            "user_group": user_group, "api_token": api_token.get("id") or api_token["api_token"]["id"],
            "en": "en", "admin_role": "admin", "css": "piiri.css", "remove": "remove"}  # fmt: skip


WALK_SURVEY = 616161


def limesurvey_for_the_walk():
    from tests.conftest import limesurvey_emulator

    return limesurvey_emulator(WALK_SURVEY, "Kävelykysely", attributes=2)


def seed_survey(api, seeded, installation):
    """Issue 16: the seeded group linked to a LimeSurvey survey, its members pushed, anna's response taken
    in as a proposed change; {name: id}."""
    link = api.post(
        "/api/v1/surveys",
        json={
            "sid": WALK_SURVEY,
            "selection": {"kind": "group", "id": seeded["group"]},
            "mapping": {"kaupunki": "city"},
        },
    )
    assert link.status_code == 201, link.text
    link_id = link.json()["id"]
    assert api.post(f"/api/v1/surveys/{link_id}:push").json()["added"] == 1  # matti has no e-mail
    token = next(iter(installation.surveys[WALK_SURVEY].tokens.values()))["token"]
    installation.submit_response(WALK_SURVEY, {"kaupunki": "Tampere"}, token=token)
    synced = api.post(f"/api/v1/surveys/{link_id}:sync")
    assert synced.json()["responses"] == {"proposed": 1}, synced.text
    proposal = api.get("/api/v1/survey-proposals").json()["items"][0]["id"]
    return {"survey_link": link_id, "survey_proposal": proposal}


def seed_applications(api, seeded, engines):
    """Issue 16 Q3: a round with a rubric and anna's application with an attachment; {name: id}."""
    made = api.post(
        "/api/v1/application-rounds",
        json={"name": "Kävelyapuraha", "form_fields": [{"key": "plan", "label": "Suunnitelma"}]},
    )
    assert made.status_code == 201, made.text
    round_id = made.json()["id"]
    rubric = {"criteria": [{"name": "Laatu", "weight": 2, "minimum": 2}]}
    assert api.put(f"/api/v1/application-rounds/{round_id}/rubric", json=rubric).status_code == 200
    application = api.post(
        f"/api/v1/application-rounds/{round_id}/applications",
        json={
            "contact_id": seeded["anna"],
            "title": "Kävelykoulu",
            "texts": {"plan": "Kävelemme joka päivä"},
            "attachments": [
                {"filename": "plan.txt", "content_type": "text/plain", "content_base64": "a8OkdmVseQ=="}
            ],
        },
    )
    assert application.status_code == 201, application.text
    from sqlalchemy.orm import Session

    from gateway.users import create_user
    from piiri.errors import Conflict

    with Session(engines["gateway"]) as session:  # an outside expert, whose own contact is jose
        try:
            reviewer = str(
                create_user(session, username="walk_reviewer", password=PASSWORD, role="reviewer")["id"]
            )
        except Conflict:  # left from an earlier run
            session.rollback()
            reviewer = session.execute(
                text("SELECT id::text FROM users WHERE username = 'walk_reviewer'")
            ).scalar()
    added = api.post(
        f"/api/v1/application-rounds/{round_id}/reviewers",
        json={"user_id": reviewer, "contact_id": seeded["jose"]},
    )
    assert added.status_code == 201, added.text
    assigned = api.post(
        f"/api/v1/application-rounds/{round_id}/assignments",
        json={"application_id": application.json()["id"], "reviewer_id": added.json()["id"]},
    )
    assert assigned.status_code == 201, assigned.text
    decided = api.post(
        f"/api/v1/application-rounds/{round_id}/applications/{application.json()['id']}/decision",
        json={"decision": "accept", "note": "Tervetuloa kävelemään"},
    )
    assert decided.status_code == 200, decided.text
    return {
        "application_reviewer": added.json()["id"],
        "application_assignment": assigned.json()["id"],
        "application_round": round_id,
        "application": application.json()["id"],
        "application_attachment": application.json()["attachments"][0]["id"],
    }


def seed_billing(api, seeded):
    """Issue 15: a fee type, Anna's invoice (e-mailed: the mail log at /mailing/mails shows it), a run over
    the group (Anna, Matti) and an unmatched payment of Anna's invoice's amount (so the queue suggests her
    invoice); {name: id}."""
    fee = api.post("/api/v1/billing/fee-types", json={"name": "Kävelymaksu", "amount": "15.00"})
    assert fee.status_code == 201, fee.text
    invoice = api.post(
        "/api/v1/billing/invoices",
        json={
            "contact_id": seeded["anna"],
            "lines": [{"description": "Kävelykurssi", "unit_price": "12.34"}],
        },
    )
    assert invoice.status_code == 201, invoice.text
    run = api.post(
        "/api/v1/billing/runs",
        json={"fee_type_id": fee.json()["id"], "selection": {"kind": "group", "id": seeded["group"]}},
    )
    assert run.status_code == 202, run.text
    done = wait_for(
        lambda: api.get(f"/api/v1/billing/runs/{run.json()['id']}").json()["status"] == "done", 20
    )
    assert done, api.get(f"/api/v1/billing/runs/{run.json()['id']}").text
    payment = (
        "312345600000785261201261201KAVELY0000000001" + "0" * 20 + "KAVELIJA A  1A" + "0000001234" + "0A "
    )
    ktl = "\r\n".join(
        ["0261201120047020840699" + "1".ljust(68), payment, f"9{1:06d}{1234:011d}{0:06d}{0:011d}".ljust(90)]
    )
    upload = api.post("/api/v1/billing/bank-files", params={"filename": "kavely.SVM"}, data=ktl.encode())
    assert upload.status_code == 201 and upload.json()["unmatched"] == 1, upload.text
    unmatched = api.get("/api/v1/billing/payments", params={"status": "unmatched"}).json()["items"]
    mailed = api.post(f"/api/v1/billing/invoices/{invoice.json()['id']}/email")  # the mail log shows it
    assert mailed.status_code == 202, mailed.text
    return {"fee_type": fee.json()["id"], "invoice": invoice.json()["id"], "run": run.json()["id"],
            "payment": unmatched[0]["id"], "email_delivery": mailed.json()["id"],
            **seed_reminders(api, seeded)}  # fmt: skip


def seed_reminders(api, seeded):
    """B4: Anna's invoice due 120 days ago, reminded at its three levels (runs dated in the past), so she
    is on the collection list; {name: id}."""
    due = date.today() - timedelta(days=120)
    invoice = api.post(
        "/api/v1/billing/invoices",
        json={
            "contact_id": seeded["anna"],
            "invoice_date": (due - timedelta(days=14)).isoformat(),
            "due_date": due.isoformat(),
            "lines": [{"description": "Kävelyretki", "unit_price": "20.00"}],
        },
    )
    assert invoice.status_code == 201, invoice.text
    rates = api.get("/api/v1/billing/reminders/settings").json()["rates"]
    known = {rate["valid_from"] for rate in rates}
    day = date(due.year, 1 if due.month <= 6 else 7, 1)
    while day <= date.today():  # test data for half-years the built-in table lacks
        if day.isoformat() not in known:
            added = api.post(
                "/api/v1/billing/reminders/reference-rates",
                json={"valid_from": day.isoformat(), "rate": "2.50"},
            )
            assert added.status_code == 201, added.text
        day = date(day.year, 7, 1) if day.month == 1 else date(day.year + 1, 1, 1)
    run = None
    for days in (20, 34, 48):
        run = api.post(
            "/api/v1/billing/reminder-runs", json={"reminder_date": (due + timedelta(days=days)).isoformat()}
        )
        assert run.status_code == 202, run.text
        done = wait_for(
            lambda run=run: (
                api.get(f"/api/v1/billing/reminder-runs/{run.json()['id']}").json()["status"] == "done"
            ),
            20,
        )
        assert done, api.get(f"/api/v1/billing/reminder-runs/{run.json()['id']}").text
    reminders = api.get(f"/api/v1/billing/invoices/{invoice.json()['id']}/reminders").json()["items"]
    assert [item["level"] for item in reminders] == [1, 2, 3], reminders
    return {
        "overdue_invoice": invoice.json()["id"],
        "reminder": reminders[0]["id"],
        "reminder_run": run.json()["id"],
    }


def import_export_services():
    from services.billing.service import BillingService
    from services.billing.worker import BillingWorker
    from services.exports.service import ExportsService
    from services.exports.worker import ExportWorker
    from services.imports.service import ImportsService
    from services.imports.worker import ImportWorker

    return ImportsService, ImportWorker, ExportsService, ExportWorker, BillingService, BillingWorker


def mailing_services():
    from services.mailing.service import MailingService
    from services.mailing.worker import MailingWorker

    return MailingService, MailingWorker


def seed_mailing(system, api, engines, emulator):
    """M1, M5: a mailing list of Anna and José synced to the emulator (José's address is suppressed
    there: a refused row), and Anna's unsubscribe confirmed through the webhook; {name: id}."""
    people = api.get("/api/v1/contacts", params={"q": "kävelyvirta"}).json()["items"]
    jose = next(item["id"] for item in people if "José" in item["display_name"])
    consent = api.post(f"/api/v1/contacts/{jose}/consents", json={"purpose": "newsletter", "given": True})
    assert consent.status_code == 201, consent.text
    group = api.post("/api/v1/groups", json={"name": "Kävelyposti"}).json()["id"]
    anna = next(item["id"] for item in api.get("/api/v1/contacts", params={"q": "ainokaisa"}).json()["items"])
    api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": [anna, jose]})
    listed = api.post(
        "/api/v1/mailing-lists",
        json={"name": "Kävelyposti", "purpose": "newsletter", "source_kind": "group", "source_id": group},
    )
    assert listed.status_code == 201, listed.text
    emulator.account.suppressed.add("jose.kavely@example.fi")
    run = api.post(f"/api/v1/mailing-lists/{listed.json()['id']}/syncs").json()
    done = wait_for(lambda: api.get(f"/api/v1/mailing-syncs/{run['id']}").json()["status"] == "done", 30)
    assert done, api.get(f"/api/v1/mailing-syncs/{run['id']}").text
    cm_list_id = api.get(f"/api/v1/mailing-lists/{listed.json()['id']}").json()["cm_list_id"]
    campaigns = seed_campaign(api, engines, listed.json()["id"])  # sent to Anna before she unsubscribes
    emulator.account.deactivate(cm_list_id, "anna.kavelija@example.fi", "Unsubscribed")
    with engines["mailing"].connect() as conn:
        secret = conn.execute(  # its own list: a module before this one may have left another
            text("SELECT webhook_secret FROM mailing_lists WHERE id = :id"), {"id": listed.json()["id"]}
        ).scalar_one()
    event = {"Type": "Deactivate", "State": "Unsubscribed", "EmailAddress": "anna.kavelija@example.fi"}
    hook = f"{system.base_url}/api/v1/mailing/webhooks/{listed.json()['id']}/{secret}"
    assert requests.post(hook, json={"Events": [event], "ListID": cm_list_id}).json()["flagged"] == 1
    return {
        "mailing_list": listed.json()["id"],
        "mailing_run": run["id"],
        **campaigns,
        **seed_subscription(api, engines, listed.json()["id"]),
    }


def seed_subscription(api, engines, list_id):
    """M3: the list's form switched on and a subscription waiting for its confirmation by Anna (her address
    and names: the public pages must not show them); {name: value} of its token and link code."""
    from services.mailing.subscriptions.rules import code_hash

    form = api.patch(f"/api/v1/mailing-lists/{list_id}/subscription-form", json={"enabled": True})
    assert form.status_code == 200, form.text
    code = "walk-confirmation-code"
    with engines["mailing"].begin() as conn:
        conn.execute(
            text(
                "INSERT INTO subscriptions (list_id, code_hash, email, first_name, last_name,"
                " consent_version, expires_at) VALUES (:list_id, :code_hash, 'anna.kavelija@example.fi',"
                " 'Ainokaisa', 'Kävelijä', 1, now() + interval '1 day')"
            ),
            {"list_id": list_id, "code_hash": code_hash(code)},
        )
    return {"subscribe_token": form.json()["token"], "subscribe_code": code}


def seed_campaign(api, engines, list_id):
    """M2, M1: a template and a campaign of it sent to the list (its ledger names Anna); {name: id}."""
    mjml = "<mjml><mj-body><mj-section><mj-column><mj-text>Hei {{ first_name }}</mj-text></mj-column>"
    template = {"name": "Kävelykirje", "subject": "Hei", "mjml": mjml + "</mj-section></mj-body></mjml>",
                "text": "Hei {{ first_name }}"}  # fmt: skip
    made = api.post("/api/v1/mail-templates", json=template)
    assert made.status_code == 201, made.text
    body = {"name": "Kävelykirje 1", "template_id": made.json()["id"], "list_ids": [list_id],
            "from_name": "Piiri", "from_email": "info@example.fi"}  # fmt: skip
    campaign = api.post("/api/v1/campaigns", json=body).json()["id"]
    assert api.post(f"/api/v1/campaigns/{campaign}:send").status_code == 202
    sent = wait_for(lambda: api.get(f"/api/v1/campaigns/{campaign}").json()["status"] == "sent", 30)
    assert sent, api.get(f"/api/v1/campaigns/{campaign}").text
    with engines["mailing"].connect() as conn:
        secret = conn.execute(
            text("SELECT content_secret FROM campaigns WHERE id = :id"), {"id": campaign}
        ).scalar_one()
    return {"mail_template": made.json()["id"], "campaign": campaign, "campaign_secret": secret}


def seed_jobs(api):
    """A finished export of the seeded people and a validated import with one bad row; {name: id}."""
    export = {
        "format": "csv",
        "selection": {"kind": "search", "query": "kävelijä"},
        "columns": ["display_name"],
    }
    job = api.post("/api/v1/exports", json=export)
    assert job.status_code == 202, job.text
    done = wait_for(lambda: api.get(f"/api/v1/exports/{job.json()['id']}").json()["status"] == "done", 20)
    assert done, api.get(f"/api/v1/exports/{job.json()['id']}").text
    rows = "Etunimi;Sukunimi;Sähköposti\nTuomas;Tuontinen;tuomas@example.fi\nTiina;Tuontinen;ei-osoite\n"
    upload = api.post("/api/v1/imports", params={"filename": "kavely.csv"}, data=rows.encode())
    assert upload.status_code == 201, upload.text
    imported = upload.json()
    mapped = api.put(f"/api/v1/imports/{imported['id']}/mapping", json={"mapping": imported["mapping"]})
    assert mapped.status_code == 200, mapped.text
    assert api.post(f"/api/v1/imports/{imported['id']}/validate").status_code == 202
    status = lambda: api.get(f"/api/v1/imports/{imported['id']}").json()["status"]  # noqa: E731
    assert wait_for(lambda: status() in ("validated", "failed"), 20) and status() == "validated", status()
    return {"export": job.json()["id"], "import": imported["id"]}


@pytest.fixture(scope="module")
def walk_system(config, databases, engines, shared_runner):
    """Contacts (and its worker), audit and the gateway for the whole module, an admin (API token and web
    session) and the seeded data."""
    from nameko.runners import ServiceRunner
    from sqlalchemy.orm import Session

    from gateway.service import GatewayService
    from gateway.users import create_user
    from piiri.errors import Conflict
    from services.audit.service import AuditService
    from services.contacts.service import ContactsService
    from services.contacts.worker import ContactsWorker
    from services.mailing.emulator import server
    from services.surveys.service import SurveysService
    from tests.conftest import System

    limesurvey, survey_settings = limesurvey_for_the_walk()
    emulator = server.start("walk-key", "walk-client", tempfile.mkdtemp(prefix="walk-cm-"), tick=0.1)
    campaign_monitor = {
        "CAMPAIGN_MONITOR_BASE_URI": emulator.base_uri,
        "CAMPAIGN_MONITOR_API_KEY": "walk-key",
        "CAMPAIGN_MONITOR_CLIENT_ID": "walk-client",
        "CAMPAIGN_MONITOR_CA_FILE": emulator.cert_path,
        "MAILING_CONTENT_BASE_URL": f"http://{config['WEB_SERVER_ADDRESS']}",
    }
    # An SMTP server nobody answers at: the seeded invoice mail is queued (the mail log shows it) and retried.
    smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": 9, "SMTP_FROM": "walk@piiri.example"}
    shared_runner.stop(config["AMQP_URI"])  # an earlier module's system would hold the web port
    runner = ServiceRunner({**config, **survey_settings, **campaign_monitor, **smtp})
    for cls in (
        ContactsService,
        ContactsWorker,  # automations run there (issue 18): the walk reads an automation's run history
        AuditService,
        GatewayService,
        SurveysService,
        *import_export_services(),
        *mailing_services(),
    ):
        runner.add_service(cls)
    runner.start()
    system = System(base_url=f"http://{config['WEB_SERVER_ADDRESS']}", gateway_engine=engines["gateway"])
    with Session(engines["gateway"]) as session:
        try:
            create_user(session, username="audit_walker", password=PASSWORD, role="admin")
        except Conflict:  # left from an earlier run: same user, same password
            session.rollback()
    api = system.api(system.token("audit_walker", PASSWORD))
    web = requests.Session()
    form = web.get(system.base_url + "/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    login = {"username": "audit_walker", "password": PASSWORD, "csrf_token": csrf}
    assert web.post(system.base_url + "/login", data=login, allow_redirects=False).status_code in (302, 303)
    seeded = seed(api, engines)
    seeded.update(seed_jobs(api))
    seeded.update(seed_survey(api, seeded, limesurvey.installation))
    seeded.update(seed_applications(api, seeded, engines))
    seeded.update(seed_mailing(system, api, engines, emulator))
    seeded.update(seed_billing(api, seeded))
    yield system, api, web, seeded
    runner.stop()
    limesurvey.shutdown()
    emulator.stop()


def concrete(route, seeded):
    rule = route.split(" ", 1)[1]
    names = {**PATH_SEED, **PATH_SEED_BY_ROUTE.get(route, {})}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: seeded[names[m.group(1)]], rule)


def call(route, walk_system):
    system, api, web, seeded = walk_system
    method, rule = route.split(" ", 1)
    path = concrete(route, seeded)
    params = PARAMS.get(route, lambda s: None)(seeded)
    body = BODIES.get(route, lambda s: None)(seeded)
    if is_api(path):
        return api.request(method, path, params=params, json=body, allow_redirects=False)
    kwargs = {"params": params, "allow_redirects": False, "timeout": 30}
    if method == "POST":
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', web.get(system.base_url + "/contacts").text)
        kwargs["data"] = {**(body or {}), "csrf_token": csrf.group(1)}
    return web.request(method, system.base_url + path, **kwargs)


def contact_ids_shown(engines, response):
    """Every id in the answer that is a contact's (list rows, links, hidden inputs, JSON fields)."""
    found = set(UUID_RE.findall(response.text))
    if not found:
        return set()
    query = text("SELECT id::text FROM contacts WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True, type_=UUID(as_uuid=False))
    )
    with engines["contacts"].connect() as conn:
        return set(conn.execute(query, {"ids": sorted(found)}).scalars())


def audit_records(engines, request_id):
    query = text(
        "SELECT action, actor_id, actor_username, subject_ids FROM audit_events WHERE request_id = :rid"
    )
    with engines["audit"].connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query, {"rid": request_id})]


def personal_routes():
    return sorted(route for route, (kind, _) in ROUTE_AUDIT.items() if kind == PERSONAL)


def test_g2_every_personal_route_leaves_an_audit_record_naming_what_it_showed(walk_system, engines):
    """G2: each route that returns personal data, called as an admin with real ids, leaves audit
    records (same request id) by the admin naming every contact whose id the answer shows — or, for the
    audit log itself, what was asked for."""
    seeded = walk_system[3]
    problems = []
    for route in personal_routes():
        response = call(route, walk_system)
        if response.status_code != 200:
            problems.append(f"{route}: HTTP {response.status_code} {response.text[:200]}")
            continue
        if route in NAMED_SUBJECTS:
            must_name = {seeded[NAMED_SUBJECTS[route]]}
        else:
            must_name = contact_ids_shown(engines, response) | names_shown(response, seeded)
            path_contact = re.search(r"/contacts/([0-9a-f-]{36})", concrete(route, seeded))
            must_name |= {path_contact.group(1)} if path_contact else set()
            must_name -= {seeded[ID_ONLY[route]]} if route in ID_ONLY else set()
        if not must_name:
            problems.append(f"{route}: the seeded data shows no contact here; seed more")
            continue
        request_id = response.headers.get("X-Request-Id")
        if not request_id:
            problems.append(f"{route}: no X-Request-Id header")
            continue

        def named(request_id=request_id, must_name=must_name):
            records = [r for r in audit_records(engines, request_id) if r["actor_id"] == seeded["admin"]]
            subjects = {subject for r in records for subject in r["subject_ids"]}
            return records if must_name <= subjects else None

        if not wait_for(named, seconds=3):
            records = audit_records(engines, request_id)
            got = {s for r in records for s in r["subject_ids"]}
            problems.append(
                f"{route}: showed contacts {sorted(must_name - got)} without an audit record naming them "
                f"(records of the request: {[(r['action'], r['actor_username']) for r in records]})"
            )
    assert not problems, f"{len(problems)} routes return personal data unaudited:\n" + "\n".join(problems)


COUNTED_RECORDS = text(
    "SELECT actor_id, details FROM audit_events WHERE request_id = :rid AND action = 'contact.counted'"
)


def test_issue12_item4_every_count_leaves_one_audit_record_with_the_query_and_the_number(
    walk_system, engines
):
    """G2, issue 12 item 4: a count is derived from personal data; each counted route, called as an admin,
    leaves exactly one ``contact.counted`` record by the admin (same request id) naming the query or
    filters it counted and the number it answered."""
    seeded = walk_system[3]
    counted = sorted(route for route, (kind, _) in ROUTE_AUDIT.items() if kind == COUNTED)
    assert len(counted) >= 3, counted
    problems = []
    for route in counted:
        response = call(route, walk_system)
        if response.status_code != 200:
            problems.append(f"{route}: HTTP {response.status_code} {response.text[:200]}")
            continue
        request_id = response.headers.get("X-Request-Id")

        def records(request_id=request_id):
            with engines["audit"].connect() as conn:
                rows = conn.execute(COUNTED_RECORDS, {"rid": request_id}).all()
            return rows or None

        found = wait_for(records, seconds=3) or []
        if len(found) != 1 or str(found[0].actor_id) != seeded["admin"]:
            problems.append(f"{route}: {len(found)} contact.counted records by the admin, not 1")
            continue
        details = found[0].details
        if details.get("count") != response.json()["count"]:
            problems.append(f"{route}: the record's count {details.get('count')} is not the answer's")
        if route in PARAMS and details.get("filters", {}).get("born_from") != "1900-01-01":
            problems.append(f"{route}: the record does not name the filters: {details}")
        if route in BODIES and "born_from" not in str(details.get("expression")):
            problems.append(f"{route}: the record does not name the expression: {details}")
    assert not problems, "\n".join(problems)


# Names that only the seeded contacts have: a route that shows one shows that contact's data.
NAME_MARKERS = {
    "Ainokaisa": "anna",
    "Mattias": "matti",
    "Kävely Oy": "acme",
    "Vanhaneva": "old",
    "Poistuvainen": "doomed",
    "anna.kavelija@example.fi": "anna",
}


def names_shown(response, seeded):
    return {seeded[key] for marker, key in NAME_MARKERS.items() if marker in response.text}


def test_g2_routes_without_personal_data_show_no_contacts_data(walk_system):
    """G2: each GET classified no_personal_data, called as an admin with the seeded ids (a group with
    members, the admin's own records …), answers without any seeded contact's name or e-mail address —
    so the classification holds; and every personal route shows the seeded data it is walked for."""
    seeded = walk_system[3]
    problems = []
    for route, (kind, _) in sorted(ROUTE_AUDIT.items()):
        if kind != NO_PERSONAL_DATA or not route.startswith("GET "):
            continue
        response = call(route, walk_system)
        if response.status_code not in (200, 302, 303):
            problems.append(f"{route}: HTTP {response.status_code} {response.text[:200]}")
        elif names_shown(response, seeded):
            problems.append(f"{route}: shows {sorted(names_shown(response, seeded))}; classify it PERSONAL")
    assert not problems, "\n".join(problems)


# The staff thing each kind of staff route shows, by the name its id has in the seed (a token's answer
# also shows its creator's id: an id, not the account's data).
STAFF_SEEDED = {"/users": "admin", "/user-groups": "user_group", "/api-tokens": "api_token"}


def test_issue12_7i_every_staff_read_leaves_an_audit_record_naming_what_it_showed(walk_system, engines):
    """Issue 12 item 7i: reading staff accounts, user groups and API tokens (admin pages and API) leaves
    audit records (same request id) by the admin naming each seeded account, group or token the answer
    shows; and it shows no contact's data."""
    seeded = walk_system[3]
    problems = []
    for route, (kind, _) in sorted(ROUTE_AUDIT.items()):
        if kind != STAFF_READ:
            continue
        response = call(route, walk_system)
        if response.status_code != 200:
            problems.append(f"{route}: HTTP {response.status_code} {response.text[:200]}")
            continue
        if names_shown(response, seeded):
            problems.append(f"{route}: shows contacts {sorted(names_shown(response, seeded))}")
        kind_of = next(name for part, name in STAFF_SEEDED.items() if part in route)
        must_name = {seeded[kind_of]} if seeded[kind_of] in response.text else set()
        request_id = response.headers.get("X-Request-Id")
        if not must_name or not request_id:
            problems.append(f"{route}: shows none of the seeded staff things, or no X-Request-Id")
            continue

        def named(request_id=request_id, must_name=must_name):
            records = [r for r in audit_records(engines, request_id) if r["actor_id"] == seeded["admin"]]
            return must_name <= {subject for r in records for subject in r["subject_ids"]}

        if not wait_for(named, seconds=3):
            got = {s for r in audit_records(engines, request_id) for s in r["subject_ids"]}
            problems.append(f"{route}: showed {sorted(must_name - got)} without an audit record naming them")
    assert not problems, "\n".join(problems)


# G2 writes: a change to a person's data, made through the API, leaves a write record (same request id)
# by the admin naming the person. In order: later steps use what earlier ones created ("saves").
# (route, {path argument: seeded name}, body(seeded), the subject's seeded name, saves the answer's id as)
WRITE_WALK = [
    (
        "POST /api/v1/contacts",
        {},
        lambda s: {"first_name": "Kirjoitus", "last_name": "Kävelijä"},
        "new",
        "new",
    ),
    (
        "PATCH /api/v1/contacts/<contact_id>",
        {"contact_id": "new"},
        lambda s: {"title": "kävelijä"},
        "new",
        None,
    ),
    (
        "POST /api/v1/contacts/<contact_id>/names",
        {"contact_id": "new"},
        lambda s: {"kind": "native", "script": "Cyrl", "last_name": "Кявеля"},
        "new",
        "name",
    ),
    (
        "DELETE /api/v1/contacts/<contact_id>/names/<name_id>",
        {"contact_id": "new", "name_id": "name"},
        None,
        "new",
        None,
    ),
    (
        "POST /api/v1/contacts/<contact_id>/statuses",
        {"contact_id": "new"},
        lambda s: {"kind": "abroad", "starts_on": str(date.today() - timedelta(days=3))},
        "new",
        "status",
    ),
    (
        "PATCH /api/v1/contacts/<contact_id>/statuses/<status_id>",
        {"contact_id": "new", "status_id": "status"},
        lambda s: {"ends_on": str(date.today() - timedelta(days=1))},
        "new",
        None,
    ),
    (
        "DELETE /api/v1/contacts/<contact_id>/statuses/<status_id>",
        {"contact_id": "new", "status_id": "status"},
        None,
        "new",
        None,
    ),
    (
        "POST /api/v1/contacts/<contact_id>/consents",
        {"contact_id": "new"},
        lambda s: {"purpose": "newsletter", "given": True},
        "new",
        None,
    ),
    (
        "PUT /api/v1/contacts/<contact_id>/membership-flag",
        {"contact_id": "new"},
        lambda s: {"kind": "honorary", "reason": "Perustajajäsen"},
        "new",
        None,
    ),
    (
        "DELETE /api/v1/contacts/<contact_id>/membership-flag",
        {"contact_id": "new"},
        None,
        "new",
        None,
    ),
    (
        "POST /api/v1/contacts/<contact_id>/legal-bases",
        {"contact_id": "new"},
        lambda s: {"purpose": "photos", "basis": "contract"},
        "new",
        "basis",
    ),
    (
        "POST /api/v1/contacts/<contact_id>/legal-bases/<basis_id>/end",
        {"contact_id": "new", "basis_id": "basis"},
        lambda s: {},
        "new",
        None,
    ),
    (
        "DELETE /api/v1/contacts/<contact_id>/legal-bases/<basis_id>",
        {"contact_id": "new", "basis_id": "basis"},
        None,
        "new",
        None,
    ),
    (
        "POST /api/v1/contacts/<contact_id>/organisations",
        {"contact_id": "new"},
        lambda s: {"organisation_id": s["acme"], "role": "employee"},
        "new",
        "link",
    ),
    (
        "PATCH /api/v1/affiliations/<affiliation_id>",
        {"affiliation_id": "link"},
        lambda s: {"title": "PJ"},
        "new",
        None,
    ),
    ("DELETE /api/v1/affiliations/<affiliation_id>", {"affiliation_id": "link"}, None, "new", None),
    ("PUT /api/v1/contacts/<contact_id>/photo", {"contact_id": "new"}, "png", "new", None),
    ("DELETE /api/v1/contacts/<contact_id>/photo", {"contact_id": "new"}, None, "new", None),
    (
        "POST /api/v1/groups/<group_id>/members",
        {"group_id": "group"},
        lambda s: {"contact_ids": [s["new"]]},
        "new",
        None,
    ),
    (
        "POST /api/v1/groups/<group_id>/members:remove",
        {"group_id": "group"},
        lambda s: {"contact_ids": [s["new"]]},
        "new",
        None,
    ),
    (  # issue 13 item 4: "all N results" of a search through the API, named person by person
        "POST /api/v1/groups/<group_id>/members:add-matching",
        {"group_id": "group"},
        lambda s: {"q": "Kirjoitus Kävelijä", "expected_count": 1},
        "new",
        None,
    ),
    (
        "POST /api/v1/groups/<group_id>/members:end-matching",
        {"group_id": "group"},
        lambda s: {"q": "Kirjoitus Kävelijä", "expected_count": 1},
        "new",
        None,
    ),
    (
        "POST /api/v1/contacts/<contact_id>/deceased",
        {"contact_id": "new"},
        lambda s: {"deceased_on": str(date.today())},
        "new",
        None,
    ),
    ("DELETE /api/v1/contacts/<contact_id>/deceased", {"contact_id": "new"}, None, "new", None),
    ("POST /api/v1/couples", {}, lambda s: {"contact_ids": [s["new"], s["doomed_partner"]]}, "new", "couple"),
    ("DELETE /api/v1/couples/<couple_id>", {"couple_id": "couple"}, None, "new", None),
    ("DELETE /api/v1/contacts/<contact_id>", {"contact_id": "new"}, None, "new", None),
]


def test_g2_changes_to_a_person_leave_a_write_record_naming_them(walk_system, engines):
    """G2: each API change to a person (fields, names, statuses, consents, legal bases, links, photo,
    memberships, deceased, couple, deletion) leaves an audit record of that request by the admin naming
    the person; every route walked is classified ``write``."""
    from tests.integration.test_affiliations import PNG

    _, api, _, seeded = walk_system
    state = dict(seeded)
    partner = api.post("/api/v1/contacts", json={"first_name": "Puoliso", "last_name": "Kävelijä"})
    state["doomed_partner"] = partner.json()["id"]
    problems = []
    for route, names, body, subject, saves in WRITE_WALK:
        assert route in WRITE_ROUTES, f"{route} is walked as a write but not classified as one"
        method, rule = route.split(" ", 1)
        path = re.sub(r"<(\w+)>", lambda m, names=names: state[names[m.group(1)]], rule)
        if body == "png":
            response = api.request(method, path, data=PNG, headers={"Content-Type": "image/png"})
        else:
            response = api.request(method, path, json=body(state) if body else None)
        if response.status_code >= 300:
            problems.append(f"{route}: HTTP {response.status_code} {response.text[:200]}")
            continue
        if saves:
            state[saves] = response.json()["id"]
        request_id = response.headers.get("X-Request-Id")

        def named(request_id=request_id, subject=subject):
            records = [r for r in audit_records(engines, request_id) if r["actor_id"] == seeded["admin"]]
            return [r for r in records if state[subject] in r["subject_ids"]]

        if not request_id or not wait_for(named, seconds=3):
            problems.append(f"{route}: no write record naming the person (request {request_id})")
    assert not problems, "\n".join(problems)
