"""S1/C6 permission matrix: every route of the gateway, called as every built-in role and as nobody,
must be allowed or denied exactly as ROUTE_PERMISSIONS declares.

The routes are found by introspecting GatewayService's @http entrypoints, so a new route fails this test
until it is classified here. "Allowed" means the answer is neither 401 nor 403 (nor, for a page, a
redirect to the login); "denied" means 403 for a logged-in role, and 401 (API) or a redirect to /login
(page) for an anonymous caller. Requests are simple and valid-looking: unknown ids (so nothing real is
changed), empty JSON bodies, forms with only the CSRF token; a route must check the permission before
it looks at its input.
"""

import importlib.util
import re
import uuid
from pathlib import Path

import pytest
import requests

from tests.routes import gateway_routes, is_api

PASSWORD = "matriisin salasana 1"
MIGRATION = Path(__file__).resolve().parents[2] / "gateway/migrations/versions/0002_access_control.py"

PUBLIC = "public"  # anyone, logged in or not
LOGGED_IN = "logged-in"  # any logged-in user, whatever the role
LOGIN = "login"  # exchanges credentials: each role logs in with its own, anonymous with wrong ones
PENDING_LOGIN = "pending-login"  # only a half-finished two-factor login reaches it: nobody here
SECRET_IN_PATH = (
    "secret-in-path"  # no login: a secret in the path authenticates (webhooks); a wrong one is 403
)

VIEW, EDIT, DELETE = "contacts.view", "contacts.edit", "contacts.delete"
AUDIT, USERS, GROUPS = "audit.view", "users.manage", "groups.manage"
FIELDS, AUTOMATIONS, GDPR = "fields.manage", "automations.manage", "gdpr.officer"
IMPORT, EXPORT = "contacts.import", "contacts.export"
MAIL = "mail.send"
INVOICES = "invoices.manage"
# Q3: the reviewer portal is for users with the reviewer role only (no built-in role here has it;
# tests/e2e/test_reviewers_api.py walks every route as a reviewer).
REVIEWER_PORTAL = "reviewer-role"

# "METHOD /path": what a caller needs. A tuple needs every permission in it.
ROUTE_PERMISSIONS = {
    # --- public, session and account (S1) ---
    "GET /": PUBLIC,  # a redirect to the dashboard or the login
    "GET /health": PUBLIC,
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /static/<path:filename>": PUBLIC,
    "GET /lang/<code>": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": LOGIN,
    "POST /api/v1/auth/token": LOGIN,
    "GET /login/totp": PENDING_LOGIN,
    "POST /login/totp": PENDING_LOGIN,
    "POST /logout": PUBLIC,  # ends the session it is sent with, if any; then the login page
    "DELETE /api/v1/auth/token": LOGGED_IN,
    "GET /account": LOGGED_IN,
    "GET /account/password": LOGGED_IN,
    "POST /account/password": LOGGED_IN,
    "GET /account/totp": LOGGED_IN,
    "POST /account/totp": LOGGED_IN,
    "POST /account/totp/disable": LOGGED_IN,
    "GET /api/v1/account": LOGGED_IN,
    "POST /api/v1/account/password": LOGGED_IN,
    "GET /api/v1/me": LOGGED_IN,
    # --- users, roles, user groups, API tokens (C6, S1) ---
    "GET /admin/users": USERS,
    "POST /admin/users": USERS,
    "GET /admin/users/<user_id>": USERS,
    "POST /admin/users/<user_id>": USERS,
    "POST /admin/users/<user_id>/unlock": USERS,
    "POST /admin/users/<user_id>/reset-password": USERS,
    "POST /admin/users/<user_id>/reset-totp": USERS,
    "GET /admin/roles": USERS,
    "POST /admin/roles": USERS,
    "GET /admin/roles/<code>": USERS,
    "POST /admin/roles/<code>": USERS,
    "POST /admin/roles/<code>/delete": USERS,
    "GET /admin/user-groups": USERS,
    "POST /admin/user-groups": USERS,
    "GET /admin/user-groups/<group_id>": USERS,
    "POST /admin/user-groups/<group_id>": USERS,
    "POST /admin/user-groups/<group_id>/delete": USERS,
    "GET /admin/api-tokens": USERS,
    "POST /admin/api-tokens": USERS,
    "POST /admin/api-tokens/<token_id>/revoke": USERS,
    "GET /api/v1/users": USERS,
    "POST /api/v1/users": USERS,
    "GET /api/v1/users/<user_id>": USERS,
    "PATCH /api/v1/users/<user_id>": USERS,
    "POST /api/v1/users/<user_id>:unlock": USERS,
    "POST /api/v1/users/<user_id>:reset-password": USERS,
    "POST /api/v1/users/<user_id>:reset-totp": USERS,
    "GET /api/v1/permissions": USERS,
    "GET /api/v1/roles": USERS,
    "POST /api/v1/roles": USERS,
    "GET /api/v1/roles/<code>": USERS,
    "PATCH /api/v1/roles/<code>": USERS,
    "DELETE /api/v1/roles/<code>": USERS,
    "GET /api/v1/user-groups": USERS,
    "POST /api/v1/user-groups": USERS,
    "GET /api/v1/user-groups/<group_id>": USERS,
    "PATCH /api/v1/user-groups/<group_id>": USERS,
    "DELETE /api/v1/user-groups/<group_id>": USERS,
    "GET /api/v1/api-tokens": USERS,
    "POST /api/v1/api-tokens": USERS,
    "GET /api/v1/api-tokens/<token_id>": USERS,
    "DELETE /api/v1/api-tokens/<token_id>": USERS,
    # --- contacts (C1, C2, C4) ---
    "GET /contacts": VIEW,
    "GET /search/suggestions": VIEW,  # the header's global search (issue 13)
    "GET /contacts/<contact_id>": VIEW,
    "GET /contacts/new": EDIT,
    "POST /contacts/new": EDIT,
    "GET /contacts/<contact_id>/edit": EDIT,
    "POST /contacts/<contact_id>/edit": EDIT,
    "GET /contacts/<contact_id>/delete": DELETE,
    "POST /contacts/<contact_id>/delete": DELETE,
    "GET /contacts/advanced": VIEW,
    "GET /api/v1/contacts": VIEW,
    "POST /api/v1/contacts": EDIT,
    "GET /api/v1/contacts/<contact_id>": VIEW,
    "PATCH /api/v1/contacts/<contact_id>": EDIT,
    "DELETE /api/v1/contacts/<contact_id>": DELETE,
    "GET /api/v1/contacts:count": VIEW,
    "POST /api/v1/contacts:search": VIEW,
    "POST /api/v1/contacts:search-count": VIEW,
    # --- person details (C9, C10, C12, C14) ---
    "POST /contacts/<contact_id>/names": EDIT,
    "POST /contacts/<contact_id>/names/<name_id>/delete": EDIT,
    "POST /contacts/<contact_id>/statuses": EDIT,
    "POST /contacts/<contact_id>/statuses/<status_id>/end": EDIT,
    "POST /contacts/<contact_id>/statuses/<status_id>/delete": EDIT,
    "GET /contacts/<contact_id>/deceased": EDIT,
    "POST /contacts/<contact_id>/deceased": EDIT,
    "POST /contacts/<contact_id>/deceased/delete": EDIT,
    "GET /contacts/<contact_id>/couple": EDIT,
    "POST /contacts/<contact_id>/couple": EDIT,
    "POST /contacts/<contact_id>/couple/<couple_id>/delete": EDIT,
    "GET /api/v1/contacts/<contact_id>/names": VIEW,
    "POST /api/v1/contacts/<contact_id>/names": EDIT,
    "DELETE /api/v1/contacts/<contact_id>/names/<name_id>": EDIT,
    "GET /api/v1/contacts/<contact_id>/statuses": VIEW,
    "POST /api/v1/contacts/<contact_id>/statuses": EDIT,
    "PATCH /api/v1/contacts/<contact_id>/statuses/<status_id>": EDIT,
    "DELETE /api/v1/contacts/<contact_id>/statuses/<status_id>": EDIT,
    "GET /api/v1/status-kinds": VIEW,
    "POST /api/v1/status-kinds": USERS,
    "POST /api/v1/contacts/<contact_id>/deceased": EDIT,
    "DELETE /api/v1/contacts/<contact_id>/deceased": EDIT,
    "POST /api/v1/couples": EDIT,
    "DELETE /api/v1/couples/<couple_id>": EDIT,
    # --- affiliations and photos ---
    "GET /contacts/<contact_id>/people": VIEW,
    "GET /contacts/<contact_id>/organisations/new": EDIT,
    "POST /contacts/<contact_id>/organisations": EDIT,
    "GET /contacts/<contact_id>/organisations/<affiliation_id>/edit": EDIT,
    "POST /contacts/<contact_id>/organisations/<affiliation_id>/edit": EDIT,
    "POST /contacts/<contact_id>/organisations/<affiliation_id>/delete": EDIT,
    "GET /contacts/<contact_id>/photo": VIEW,
    "POST /contacts/<contact_id>/photo": EDIT,
    "POST /contacts/<contact_id>/photo/delete": EDIT,
    "GET /api/v1/contacts/<contact_id>/organisations": VIEW,
    "POST /api/v1/contacts/<contact_id>/organisations": EDIT,
    "GET /api/v1/contacts/<contact_id>/people": VIEW,
    "PATCH /api/v1/affiliations/<affiliation_id>": EDIT,
    "DELETE /api/v1/affiliations/<affiliation_id>": EDIT,
    "GET /api/v1/contacts/<contact_id>/photo": VIEW,
    "PUT /api/v1/contacts/<contact_id>/photo": EDIT,
    "DELETE /api/v1/contacts/<contact_id>/photo": EDIT,
    # --- groups (C7) ---
    "GET /groups": VIEW,
    "POST /groups": GROUPS,
    "GET /groups/<group_id>": VIEW,
    "POST /groups/<group_id>/edit": GROUPS,
    "POST /groups/<group_id>/archive": GROUPS,
    "GET /groups/<group_id>/move": GROUPS,
    "POST /groups/<group_id>/move": GROUPS,
    "POST /groups/<group_id>/members": EDIT,
    "POST /groups/<group_id>/members/end": EDIT,
    "GET /groups/bulk": EDIT,
    "POST /groups/bulk": EDIT,
    "GET /api/v1/groups": VIEW,
    "POST /api/v1/groups": GROUPS,
    "GET /api/v1/groups/<group_id>": VIEW,
    "PATCH /api/v1/groups/<group_id>": GROUPS,
    "GET /api/v1/groups/<group_id>/members": VIEW,
    "POST /api/v1/groups/<group_id>/members": EDIT,
    "POST /api/v1/groups/<group_id>/members:remove": EDIT,
    "POST /api/v1/groups/<group_id>/members:add-matching": EDIT,
    "POST /api/v1/groups/<group_id>/members:end-matching": EDIT,
    # --- custom fields (C3) ---
    "GET /settings/custom-fields": FIELDS,
    "POST /settings/custom-fields": FIELDS,
    "GET /settings/custom-fields/<field_id>": FIELDS,
    "POST /settings/custom-fields/<field_id>": FIELDS,
    "GET /settings/custom-fields/<field_id>/<action>": FIELDS,
    "POST /settings/custom-fields/<field_id>/<action>": FIELDS,
    "GET /api/v1/custom-fields": VIEW,
    "POST /api/v1/custom-fields": FIELDS,
    "GET /api/v1/custom-fields/<field_id>": VIEW,
    "PATCH /api/v1/custom-fields/<field_id>": FIELDS,
    "DELETE /api/v1/custom-fields/<field_id>": FIELDS,
    "POST /api/v1/custom-fields/<field_id>/restore": FIELDS,
    # --- saved searches (C4): anyone who may view contacts keeps their own ---
    "GET /saved-searches": VIEW,
    "POST /saved-searches": VIEW,
    "GET /saved-searches/open": VIEW,
    "GET /saved-searches/<search_id>/delete": VIEW,
    "POST /saved-searches/<search_id>/delete": VIEW,
    "POST /saved-searches/<search_id>/edit": VIEW,
    "GET /api/v1/mailing-lists": MAIL,
    "GET /mailing": MAIL,
    "POST /mailing": MAIL,
    "GET /mailing/<list_id>": MAIL,
    "GET /mailing/<list_id>/excluded": MAIL,
    "GET /mailing/mails": MAIL,
    "POST /mailing/<list_id>/sync": MAIL,
    "POST /mailing/<list_id>/webhook": MAIL,
    "POST /api/v1/mailing-lists": MAIL,
    "GET /api/v1/mailing-lists/<list_id>": MAIL,
    "PATCH /api/v1/mailing-lists/<list_id>": MAIL,
    "POST /api/v1/mailing-lists/<list_id>:archive": MAIL,
    "GET /api/v1/mailing-lists/<list_id>/audience": MAIL,
    "POST /api/v1/mailing-lists/<list_id>/syncs": MAIL,
    "POST /api/v1/mailing-lists/<list_id>/webhook": MAIL,
    "GET /api/v1/mailing-lists/<list_id>/syncs": MAIL,
    "GET /api/v1/mailing-syncs/<run_id>": MAIL,
    "GET /api/v1/mailing-flags": VIEW,
    "POST /api/v1/mailing/webhooks/<list_id>/<secret>": SECRET_IN_PATH,
    "POST /api/v1/mailing/bounces/<secret>": SECRET_IN_PATH,
    "GET /api/v1/mailing/mails": MAIL,
    # M3: a list's subscription form (staff), its hosted page and confirmation link (anyone)
    "GET /api/v1/mailing-lists/<list_id>/subscription-form": MAIL,
    "PATCH /api/v1/mailing-lists/<list_id>/subscription-form": MAIL,
    "POST /mailing/<list_id>/subscription-form": MAIL,
    "GET /subscribe/<token>": PUBLIC,
    "POST /subscribe/<token>": PUBLIC,
    "GET /subscribe/<token>/sent": PUBLIC,
    "GET /subscribe/<token>/confirm/<code>": PUBLIC,
    "POST /subscribe/<token>/confirm/<code>": PUBLIC,
    "GET /mailing/templates": MAIL,
    "GET /mailing/templates/new": MAIL,
    "POST /mailing/templates": MAIL,
    "GET /mailing/templates/<template_id>": MAIL,
    "POST /mailing/templates/<template_id>": MAIL,
    "GET /mailing/templates/<template_id>/preview": MAIL,
    "POST /mailing/templates/<template_id>/archive": MAIL,
    "GET /mailing/campaigns": MAIL,
    "POST /mailing/campaigns": MAIL,
    "GET /mailing/campaigns/<campaign_id>": MAIL,
    "GET /mailing/campaigns/<campaign_id>/preview": MAIL,
    "POST /mailing/campaigns/<campaign_id>/test": MAIL,
    "POST /mailing/campaigns/<campaign_id>/send": MAIL,
    "POST /mailing/campaigns/<campaign_id>/unschedule": MAIL,
    "POST /mailing/campaigns/<campaign_id>/report": MAIL,
    "GET /mailing/campaigns/<campaign_id>/recipients": MAIL,
    "GET /api/v1/mail-templates": MAIL,
    "POST /api/v1/mail-templates": MAIL,
    "POST /api/v1/mail-templates:check": MAIL,
    "GET /api/v1/mail-templates/<template_id>": MAIL,
    "PATCH /api/v1/mail-templates/<template_id>": MAIL,
    "POST /api/v1/mail-templates/<template_id>:archive": MAIL,
    "GET /api/v1/mail-templates/<template_id>/preview": MAIL,
    "GET /api/v1/campaigns": MAIL,
    "POST /api/v1/campaigns": MAIL,
    "GET /api/v1/campaigns/<campaign_id>": MAIL,
    "GET /api/v1/campaigns/<campaign_id>/preview": MAIL,
    "POST /api/v1/campaigns/<campaign_id>/tests": MAIL,
    "POST /api/v1/campaigns/<campaign_id>:send": MAIL,
    "POST /api/v1/campaigns/<campaign_id>:unschedule": MAIL,
    "GET /api/v1/campaigns/<campaign_id>/recipients": MAIL,
    "POST /api/v1/campaigns/<campaign_id>/report": MAIL,
    "GET /api/v1/mailing/contacts/<contact_id>/campaigns": MAIL,
    "GET /api/v1/mailing/campaign-content/<campaign_id>/<secret>.html": PUBLIC,
    "GET /api/v1/mailing/campaign-content/<campaign_id>/<secret>.txt": PUBLIC,
    "GET /api/v1/saved-searches": VIEW,
    "POST /api/v1/saved-searches": VIEW,
    "GET /api/v1/saved-searches/<search_id>": VIEW,
    "PATCH /api/v1/saved-searches/<search_id>": VIEW,
    "DELETE /api/v1/saved-searches/<search_id>": VIEW,
    "GET /api/v1/saved-searches/<search_id>/contacts": VIEW,
    # --- the dashboard (issue 13 item 2): any logged-in user; each card by the permission of its list ---
    "GET /dashboard": LOGGED_IN,
    "GET /api/v1/dashboard": LOGGED_IN,
    # --- round birthdays (C13) ---
    "GET /settings/birthdays": USERS,
    "POST /settings/birthdays": USERS,
    "GET /api/v1/birthdays": VIEW,
    "GET /api/v1/birthday-settings": VIEW,
    "PUT /api/v1/birthday-settings": USERS,
    # --- automations (C8) ---
    "GET /automations": AUTOMATIONS,
    "GET /automations/new": AUTOMATIONS,
    "POST /automations/new": AUTOMATIONS,
    "GET /automations/<automation_id>": VIEW,  # an automation's page and run history
    "GET /automations/<automation_id>/edit": AUTOMATIONS,
    "POST /automations/<automation_id>/edit": AUTOMATIONS,
    "POST /automations/<automation_id>/toggle": AUTOMATIONS,
    "POST /automations/<automation_id>/delete": AUTOMATIONS,
    "GET /api/v1/automations": AUTOMATIONS,
    "POST /api/v1/automations": AUTOMATIONS,
    "POST /api/v1/automations:dry-run": AUTOMATIONS,
    "GET /api/v1/automations/<automation_id>": AUTOMATIONS,
    "PATCH /api/v1/automations/<automation_id>": AUTOMATIONS,
    "DELETE /api/v1/automations/<automation_id>": AUTOMATIONS,
    "GET /api/v1/automations/<automation_id>/runs": VIEW,
    # --- duplicates and merge (C11) ---
    "GET /duplicates": VIEW,
    "POST /duplicates/dismiss": EDIT,
    "POST /duplicates/scan": EDIT,
    "GET /compare": VIEW,
    "POST /compare/confirm": (DELETE, EDIT),
    "POST /merge": (DELETE, EDIT),
    "GET /api/v1/contacts/<contact_id>/duplicates": VIEW,
    "GET /api/v1/duplicates": VIEW,
    "POST /api/v1/duplicates/dismiss": EDIT,
    "POST /api/v1/duplicates/scan": EDIT,
    "GET /api/v1/contacts:compare": VIEW,
    "POST /api/v1/contacts:merge": (DELETE, EDIT),
    # --- audit log (G2) ---
    "GET /api/v1/contacts/<contact_id>/audit": AUDIT,
    "GET /api/v1/contacts/<contact_id>/readers": AUDIT,
    "GET /api/v1/contacts/<contact_id>/changes": AUDIT,
    "GET /audit": AUDIT,
    "GET /audit/contacts/<contact_id>": AUDIT,
    "GET /audit/users/<actor_id>": AUDIT,
    "GET /audit/events.csv": AUDIT,
    "POST /audit/verify": (AUDIT, USERS),
    "GET /api/v1/audit/events": AUDIT,
    "GET /api/v1/audit/events.csv": AUDIT,
    "GET /api/v1/audit/verify": (AUDIT, USERS),
    # --- GDPR (G1, G3) ---
    "GET /contacts/<contact_id>/access-report": GDPR,
    "GET /contacts/<contact_id>/erase": GDPR,
    "POST /contacts/<contact_id>/erase": GDPR,
    "GET /erasures": GDPR,
    "GET /erasures/<erasure_id>": GDPR,
    "POST /erasures/<erasure_id>/retry": GDPR,
    "GET /api/v1/contacts/<contact_id>/access-report": GDPR,
    "POST /api/v1/contacts/<contact_id>:erase": GDPR,
    "GET /api/v1/erasures": GDPR,
    "GET /api/v1/erasures/<erasure_id>": GDPR,
    "POST /api/v1/erasures/<erasure_id>:retry": GDPR,
    # --- data protection: purposes, legal bases, consents (G1) and retention (G5) ---
    "GET /contacts/<contact_id>/data-protection": VIEW,
    "POST /contacts/<contact_id>/consents": EDIT,
    "POST /contacts/<contact_id>/membership-flag": EDIT,
    "POST /contacts/<contact_id>/membership-flag/delete": EDIT,
    "POST /contacts/<contact_id>/legal-bases": EDIT,
    "POST /contacts/<contact_id>/legal-bases/<basis_id>/end": EDIT,
    "POST /contacts/<contact_id>/legal-bases/<basis_id>/delete": EDIT,
    "GET /data-protection/purposes": GDPR,
    "POST /data-protection/purposes": GDPR,
    "POST /data-protection/purposes/<code>": GDPR,
    "GET /data-protection/retention": GDPR,
    "POST /data-protection/retention/rules": GDPR,
    "POST /data-protection/retention/rules/<rule_id>/toggle": GDPR,
    "POST /data-protection/retention/rules/<rule_id>/delete": GDPR,
    "POST /data-protection/retention/erase": GDPR,
    "POST /data-protection/retention/erase/confirm": GDPR,
    "GET /api/v1/contacts/<contact_id>/data-protection": VIEW,
    "GET /api/v1/contacts/<contact_id>/consents": VIEW,
    "POST /api/v1/contacts/<contact_id>/consents": EDIT,
    "PUT /api/v1/contacts/<contact_id>/membership-flag": EDIT,
    "DELETE /api/v1/contacts/<contact_id>/membership-flag": EDIT,
    "GET /api/v1/contacts/<contact_id>/legal-bases": VIEW,
    "POST /api/v1/contacts/<contact_id>/legal-bases": EDIT,
    "POST /api/v1/contacts/<contact_id>/legal-bases/<basis_id>/end": EDIT,
    "DELETE /api/v1/contacts/<contact_id>/legal-bases/<basis_id>": EDIT,
    "GET /api/v1/processing-purposes": VIEW,
    "POST /api/v1/processing-purposes": GDPR,
    "PATCH /api/v1/processing-purposes/<code>": GDPR,
    "GET /api/v1/retention-rules": VIEW,
    "POST /api/v1/retention-rules": GDPR,
    "PATCH /api/v1/retention-rules/<rule_id>": GDPR,
    "DELETE /api/v1/retention-rules/<rule_id>": GDPR,
    "GET /api/v1/retention/past": GDPR,
    "GET /api/v1/retention/past:count": GDPR,
    "POST /api/v1/retention/erasures": GDPR,
    # --- exports (I2): every route needs contacts.export, checked by the exports service ---
    "GET /api/v1/contacts/<contact_id>/qr": EXPORT,
    "GET /api/v1/contacts/<contact_id>/vcard": EXPORT,
    "GET /api/v1/contacts:export": EXPORT,
    "GET /api/v1/exports": EXPORT,
    "POST /api/v1/exports": EXPORT,
    "POST /api/v1/exports:preview": EXPORT,
    "DELETE /api/v1/exports/<job_id>": EXPORT,
    "GET /api/v1/exports/<job_id>": EXPORT,
    "GET /api/v1/exports/<job_id>/file": EXPORT,
    "GET /api/v1/exports/formats": EXPORT,
    "GET /contacts/<contact_id>/qr": EXPORT,
    "GET /contacts/<contact_id>/vcard": EXPORT,
    "GET /exports": EXPORT,
    "POST /exports": EXPORT,
    "POST /exports/preview": EXPORT,
    "GET /exports/<job_id>": EXPORT,
    "POST /exports/<job_id>/delete": EXPORT,
    "GET /exports/<job_id>/download": EXPORT,
    "GET /exports/new": EXPORT,
    # --- surveys (Q1, Q2): managing needs contacts.export (participants leave Piiri for LimeSurvey),
    # bringing in step contacts.import, participants and responses contacts.view, proposals contacts.edit ---
    "GET /api/v1/surveys/remote": EXPORT,
    "GET /api/v1/surveys": EXPORT,
    "POST /api/v1/surveys": EXPORT,
    "GET /api/v1/surveys/<link_id>": EXPORT,
    "PATCH /api/v1/surveys/<link_id>": EXPORT,
    "DELETE /api/v1/surveys/<link_id>": EXPORT,
    "POST /api/v1/surveys/<link_id>:push": EXPORT,
    "POST /api/v1/surveys/<link_id>:invite": EXPORT,
    "POST /api/v1/surveys/<link_id>:remind": EXPORT,
    "POST /api/v1/surveys/<link_id>:sync": IMPORT,
    "GET /api/v1/surveys/<link_id>/participants": VIEW,
    "GET /api/v1/surveys/<link_id>/responses": VIEW,
    "GET /api/v1/survey-proposals": VIEW,
    "POST /api/v1/survey-proposals/<proposal_id>:accept": EDIT,
    "POST /api/v1/survey-proposals/<proposal_id>:reject": EDIT,
    "GET /surveys": EXPORT,
    "POST /surveys": EXPORT,
    "GET /surveys/<link_id>": (EXPORT, VIEW),
    "POST /surveys/<link_id>/action": EXPORT,
    "POST /surveys/proposals/<proposal_id>": EDIT,
    # --- application rounds (Q3): reading rounds and applications contacts.view, managing them
    # contacts.edit ---
    "GET /api/v1/application-rounds": VIEW,
    "POST /api/v1/application-rounds": EDIT,
    "GET /api/v1/application-rounds/<round_id>": VIEW,
    "PATCH /api/v1/application-rounds/<round_id>": EDIT,
    "DELETE /api/v1/application-rounds/<round_id>": EDIT,
    "PUT /api/v1/application-rounds/<round_id>/rubric": EDIT,
    "GET /api/v1/application-rounds/<round_id>/applications": VIEW,
    "POST /api/v1/application-rounds/<round_id>/applications": EDIT,
    "POST /api/v1/application-rounds/<round_id>/applications:import": EDIT,
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>": VIEW,
    "DELETE /api/v1/application-rounds/<round_id>/applications/<application_id>": EDIT,
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>/attachments/<attachment_id>": (
        VIEW
    ),
    "GET /api/v1/application-rounds/<round_id>/reviewers": EDIT,
    "POST /api/v1/application-rounds/<round_id>/reviewers": EDIT,
    "DELETE /api/v1/application-rounds/<round_id>/reviewers/<reviewer_id>": EDIT,
    "POST /api/v1/application-rounds/<round_id>/reviewers/<reviewer_id>/declarations": EDIT,
    "GET /api/v1/application-rounds/<round_id>/assignments": EDIT,
    "POST /api/v1/application-rounds/<round_id>/assignments": EDIT,
    "POST /api/v1/application-rounds/<round_id>/assignments:auto": EDIT,
    "DELETE /api/v1/application-rounds/<round_id>/assignments/<assignment_id>": EDIT,
    "POST /applications/<round_id>/review": EDIT,
    "GET /api/v1/application-rounds/<round_id>/results": EDIT,
    "POST /api/v1/application-rounds/<round_id>/applications/<application_id>/decision": EDIT,
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>/decision-letter": EDIT,
    "GET /api/v1/application-rounds/<round_id>/applications/<application_id>/decision-letter.pdf": EDIT,
    "POST /applications/<round_id>/<application_id>/decision": EDIT,
    "GET /applications/<round_id>/<application_id>/letter": EDIT,
    "GET /applications/<round_id>/<application_id>/letter.pdf": EDIT,
    "GET /applications": VIEW,
    "GET /review": REVIEWER_PORTAL,
    "GET /review/<application_id>": REVIEWER_PORTAL,
    "POST /review/<application_id>": REVIEWER_PORTAL,
    "POST /review/<application_id>/conflict": REVIEWER_PORTAL,
    "GET /review/<application_id>/attachments/<attachment_id>": REVIEWER_PORTAL,
    "POST /applications": EDIT,
    "GET /applications/<round_id>": VIEW,
    "POST /applications/<round_id>": EDIT,
    "POST /applications/<round_id>/applications": EDIT,
    "GET /applications/<round_id>/<application_id>": VIEW,
    "POST /applications/<round_id>/<application_id>/delete": EDIT,
    "GET /applications/<round_id>/<application_id>/attachments/<attachment_id>": VIEW,
    # --- invoicing (B1-B4): every route needs invoices.manage, checked by the billing service ---
    "GET /api/v1/billing/fee-types": INVOICES,
    "POST /api/v1/billing/fee-types": INVOICES,
    "PUT /api/v1/billing/fee-types/<fee_type_id>/components": INVOICES,
    "GET /api/v1/billing/retention": INVOICES,
    "GET /api/v1/billing/vat-rates": INVOICES,
    "POST /api/v1/billing/invoices": INVOICES,
    "GET /api/v1/billing/invoices": INVOICES,
    "GET /api/v1/billing/invoices/<invoice_id>": INVOICES,
    "GET /api/v1/billing/invoices/<invoice_id>/page": INVOICES,
    "GET /api/v1/billing/invoices/<invoice_id>/pdf": INVOICES,
    "GET /api/v1/billing/invoices/<invoice_id>/finvoice": INVOICES,
    "GET /api/v1/billing/invoices/<invoice_id>/einvoices": INVOICES,
    "POST /api/v1/billing/invoices/<invoice_id>/einvoice": INVOICES,
    "POST /api/v1/billing/invoices/<invoice_id>/email": INVOICES,
    "GET /api/v1/billing/invoices/<invoice_id>/emails": INVOICES,
    "GET /api/v1/billing/runs/<run_id>/email-preview": INVOICES,
    "POST /api/v1/billing/runs/<run_id>/email": INVOICES,
    "GET /api/v1/billing/runs/<run_id>/emails": INVOICES,
    "POST /api/v1/billing/invoices/<invoice_id>/credit": INVOICES,
    "POST /api/v1/billing/runs:preview": INVOICES,
    "POST /api/v1/billing/runs": INVOICES,
    "GET /api/v1/billing/runs": INVOICES,
    "GET /api/v1/billing/runs/<run_id>": INVOICES,
    "POST /api/v1/billing/bank-files": INVOICES,
    "GET /api/v1/billing/payments": INVOICES,
    "POST /api/v1/billing/payments/<payment_id>/match": INVOICES,
    "GET /api/v1/billing/parties": INVOICES,
    "POST /api/v1/billing/parties": INVOICES,
    "GET /api/v1/billing/settlement": INVOICES,
    "GET /api/v1/billing/settlement/file": INVOICES,
    "GET /billing": INVOICES,
    "POST /billing/fee-types": INVOICES,
    "GET /billing/fee-types/<fee_type_id>": INVOICES,
    "POST /billing/fee-types/<fee_type_id>/components": INVOICES,
    "GET /billing/email-deliveries/<delivery_id>": INVOICES,
    "GET /billing/invoices": INVOICES,
    "GET /billing/invoices/<invoice_id>": INVOICES,
    "GET /billing/invoices/<invoice_id>/pdf": INVOICES,
    "GET /billing/invoices/<invoice_id>/finvoice": INVOICES,
    "POST /billing/invoices/<invoice_id>/einvoice": INVOICES,
    "POST /billing/invoices/<invoice_id>/email": INVOICES,
    "GET /billing/runs/<run_id>/email": INVOICES,
    "POST /billing/runs/<run_id>/email": INVOICES,
    "POST /billing/invoices/<invoice_id>/credit": INVOICES,
    "GET /billing/runs/new": INVOICES,
    "POST /billing/runs": INVOICES,
    "GET /billing/runs/<run_id>": INVOICES,
    "GET /billing/payments": INVOICES,
    "POST /billing/bank-files": INVOICES,
    "POST /billing/payments/<payment_id>/match": INVOICES,
    "GET /api/v1/billing/reminders/settings": INVOICES,
    "POST /api/v1/billing/reminders/reference-rates": INVOICES,
    "POST /api/v1/billing/reminder-runs:preview": INVOICES,
    "POST /api/v1/billing/reminder-runs": INVOICES,
    "GET /api/v1/billing/reminder-runs": INVOICES,
    "GET /api/v1/billing/reminder-runs/<run_id>": INVOICES,
    "GET /api/v1/billing/invoices/<invoice_id>/reminders": INVOICES,
    "PUT /api/v1/billing/invoices/<invoice_id>/hold": INVOICES,
    "GET /api/v1/billing/reminders/<reminder_id>/pdf": INVOICES,
    "GET /api/v1/billing/collection": INVOICES,
    "GET /api/v1/billing/collection/export": INVOICES,
    "GET /billing/reminders": INVOICES,
    "POST /billing/reminders": INVOICES,
    "POST /billing/reminders/rates": INVOICES,
    "GET /billing/reminder-runs/<run_id>": INVOICES,
    "GET /billing/reminders/<reminder_id>/pdf": INVOICES,
    "POST /billing/invoices/<invoice_id>/hold": INVOICES,
    "GET /billing/collection": INVOICES,
    "GET /billing/collection/export": INVOICES,
    "GET /billing/parties": INVOICES,
    "POST /billing/parties": INVOICES,
    "GET /billing/settlement": INVOICES,
    "GET /billing/settlement/download": INVOICES,
    # --- imports (I1) ---
    "GET /imports": IMPORT,
    "POST /imports": IMPORT,
    "GET /imports/<import_id>": IMPORT,
    "GET /imports/<import_id>/mapping": IMPORT,
    "POST /imports/<import_id>/mapping": IMPORT,
    "POST /imports/<import_id>/start": IMPORT,
    "POST /imports/<import_id>/cancel": IMPORT,
    "POST /imports/<import_id>/undo": IMPORT,
    "GET /imports/<import_id>/errors.xlsx": IMPORT,
    "POST /api/v1/contacts:batch": IMPORT,
    "GET /api/v1/imports": IMPORT,
    "POST /api/v1/imports": IMPORT,
    "GET /api/v1/imports/fields": IMPORT,
    "GET /api/v1/imports/<import_id>": IMPORT,
    "PUT /api/v1/imports/<import_id>/mapping": IMPORT,
    "GET /api/v1/imports/<import_id>/preview": IMPORT,
    "POST /api/v1/imports/<import_id>/validate": IMPORT,
    "POST /api/v1/imports/<import_id>/start": IMPORT,
    "POST /api/v1/imports/<import_id>/cancel": IMPORT,
    "POST /api/v1/imports/<import_id>/undo": IMPORT,
    "GET /api/v1/imports/<import_id>/errors": IMPORT,
    "GET /api/v1/imports/<import_id>/errors.xlsx": IMPORT,
}

# Path arguments that are not ids; every other <name> gets an unknown UUID.
PATH_VALUES = {"code": "en", "filename": "piiri.css", "action": "remove"}
PATH_VALUES_BY_ROUTE = {
    "/api/v1/roles/<code>": "no_such_role",
    "/admin/roles/<code>": "no_such_role",
    "/api/v1/processing-purposes/<code>": "no_such_purpose",
    "/data-protection/purposes/<code>": "no_such_purpose",
}
# Routes whose normal answer is the login page: their redirect there is no denial.
LOGIN_PAGE_ROUTES = {"GET /", "POST /logout"}
# Routes that end the session they are called with: each call gets a fresh one.
SESSION_ENDING = {"POST /logout", "DELETE /api/v1/auth/token"}
ANONYMOUS = "anonymous"


def builtin_roles():
    """{role: permissions} of the built-in roles, as migration 0002 inserts them."""
    spec = importlib.util.spec_from_file_location("gateway_migration_0002", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {code: frozenset(permissions) for code, _, _, permissions in module.BUILTIN_ROLES}


ROLES = builtin_roles()


def concrete_path(rule):
    def value(match):
        name = match.group(2)
        return PATH_VALUES_BY_ROUTE.get(rule) or PATH_VALUES.get(name) or str(uuid.uuid4())

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule)


def expected(requirement, role):
    """'allowed' or 'denied' for ``role`` (a built-in role or ANONYMOUS)."""
    if requirement == PUBLIC:
        return "allowed"
    if requirement in (PENDING_LOGIN, SECRET_IN_PATH):
        return "denied"
    if role == ANONYMOUS:
        return "denied"
    if requirement in (LOGGED_IN, LOGIN):
        return "allowed"
    needed = requirement if isinstance(requirement, tuple) else (requirement,)
    return "allowed" if set(needed) <= ROLES[role] else "denied"


def outcome(response, route, role, requirement):
    """'allowed', 'denied' or a description of an answer that is neither."""
    status = response.status_code
    to_login = status in (302, 303) and response.headers.get("Location", "").startswith("/login")
    to_login = to_login and route not in LOGIN_PAGE_ROUTES
    if status >= 500 and status != 503:
        return f"server error {status}"
    if requirement == PENDING_LOGIN:
        return "denied" if status == 401 or to_login else f"reached ({status})"
    if requirement == SECRET_IN_PATH:
        return "denied" if status == 403 else f"reached ({status})"
    if role == ANONYMOUS:
        if status == 401 or to_login:
            return "denied"
        return f"wrong denial {status}" if status == 403 else "allowed"
    if status == 401 or to_login:
        return f"logged out ({status})"
    return "denied" if status == 403 else "allowed"


class Caller:
    """Logs a role in once (a web session and an API token) and calls routes as it."""

    def __init__(self, system, role):
        self.system = system
        self.role = role
        self.username = f"matrix_{role}"
        if role != ANONYMOUS:
            self.web, self.csrf = self.new_web_session()
            self.token = self.new_token()

    def login(self, kind):
        from sqlalchemy.orm import Session

        from gateway import auth

        settings = {"max_failures": 5, "lock_minutes": 15, "session_hours": 1}
        with Session(self.system.gateway_engine) as session:
            secret, principal = auth.login(session, self.username, PASSWORD, "127.0.0.2", kind, settings)
        return secret, principal.csrf_token

    def new_web_session(self):
        secret, csrf = self.login("web")
        return {"piiri_session": secret}, csrf

    def new_token(self):
        return self.login("api")[0]

    def call(self, route):
        method, rule = route.split(" ", 1)
        path = concrete_path(rule)
        url = self.system.base_url + path
        kwargs = {"allow_redirects": False, "timeout": 30}
        if route in ("POST /login", "POST /api/v1/auth/token"):
            return self.log_in_through(route, url)
        fresh = route in SESSION_ENDING and self.role != ANONYMOUS
        if is_api(path):
            if self.role != ANONYMOUS:
                token = self.new_token() if fresh else self.token
                kwargs["headers"] = {"Authorization": f"Bearer {token}"}
            if method in ("POST", "PUT", "PATCH"):
                kwargs["json"] = {}
        else:
            if self.role == ANONYMOUS:
                cookies, csrf = {}, ""
            else:
                cookies, csrf = self.new_web_session() if fresh else (self.web, self.csrf)
            kwargs["cookies"] = cookies
            if method == "POST":  # multipart, as a browser sends a form with a file
                kwargs["files"] = {"csrf_token": (None, csrf)}
        return requests.request(method, url, **kwargs)

    def log_in_through(self, route, url):
        username, password = (self.username, PASSWORD) if self.role != ANONYMOUS else ("nobody", "wrong")
        if route == "POST /api/v1/auth/token":
            return requests.post(url, json={"username": username, "password": password})
        client = requests.Session()
        form = client.get(self.system.base_url + "/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        data = {"username": username, "password": password, "csrf_token": csrf}
        return client.post(url, data=data, allow_redirects=False)


@pytest.fixture(scope="module")
def matrix_system(config, databases, engines, shared_runner):
    """One running system for the whole module: contacts, audit, imports, exports and the gateway, a user
    per role."""
    from nameko.runners import ServiceRunner
    from sqlalchemy.orm import Session

    from gateway.service import GatewayService
    from gateway.users import create_user
    from piiri.errors import Conflict
    from services.audit.service import AuditService
    from services.billing.service import BillingService
    from services.contacts.service import ContactsService
    from services.exports.service import ExportsService
    from services.imports.service import ImportsService
    from services.mailing.service import MailingService
    from services.surveys.service import SurveysService
    from tests.conftest import System

    shared_runner.stop(config["AMQP_URI"])  # an earlier module's system would hold the web port
    runner = ServiceRunner(config)
    for cls in (
        ContactsService,
        AuditService,
        GatewayService,
        ImportsService,
        ExportsService,
        SurveysService,
        MailingService,
        BillingService,
    ):
        runner.add_service(cls)
    runner.start()
    system = System(base_url=f"http://{config['WEB_SERVER_ADDRESS']}", gateway_engine=engines["gateway"])
    with Session(engines["gateway"]) as session:
        for role in ROLES:
            try:
                create_user(session, username=f"matrix_{role}", password=PASSWORD, role=role)
            except Conflict:  # left from an earlier test run: same user, same password
                session.rollback()
    yield system
    runner.stop()


def test_s1_every_route_is_classified():
    unclassified = [route for route in gateway_routes() if route not in ROUTE_PERMISSIONS]
    assert not unclassified, (
        "These gateway routes are not in tests/e2e/test_permission_matrix.py ROUTE_PERMISSIONS: "
        f"{unclassified}. Add each with the permission it needs (or PUBLIC / LOGGED_IN)."
    )
    stale = sorted(set(ROUTE_PERMISSIONS) - set(gateway_routes()))
    assert not stale, f"ROUTE_PERMISSIONS lists routes that no longer exist: {stale}"


def test_s1_the_builtin_roles_are_the_six_of_issue_4():
    assert set(ROLES) == {"admin", "staff", "read_only", "mailer", "treasurer", "dpo"}
    assert ROLES["read_only"] == {VIEW}
    assert USERS in ROLES["admin"] and all(USERS not in ROLES[role] for role in ROLES if role != "admin")


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
def test_s1_permission_matrix(matrix_system, role):
    """Every classified route answers this role as the table says."""
    caller = Caller(matrix_system, role)
    wrong = []
    for route in gateway_routes():
        requirement = ROUTE_PERMISSIONS.get(route)
        if requirement is None:
            continue  # test_s1_every_route_is_classified names it
        response = caller.call(route)
        want = expected(requirement, role)
        got = outcome(response, route, role, requirement)
        if got != want:
            wrong.append(f"{route}: expected {want}, got {got} (HTTP {response.status_code})")
    assert not wrong, f"{role}: {len(wrong)} routes answer wrongly:\n" + "\n".join(wrong)


# Forms that are not a logged-in user's: the login's double-submit token and the TOTP step's own token.
OWN_CSRF_FORMS = {"POST /login", "POST /login/totp"}
# Refuse a missing or too-big file before they read the form (so a huge body is never parsed); without
# the token they still change nothing.
INPUT_FIRST = {"POST /contacts/<contact_id>/photo"}
# M3: the public subscription forms are posted from other sites (the embedded snippet) and by people with
# no session; they act as the system, never as a session's user: bot checks and the link's code guard them.
PUBLIC_FORMS = {"POST /subscribe/<token>", "POST /subscribe/<token>/confirm/<code>"}


def logged_in(base, cookies):
    """Whether the web session of ``cookies`` is still a logged-in one."""
    return requests.get(base + "/api/v1/me", cookies=cookies, allow_redirects=False).status_code == 200


@pytest.mark.timeout(600)
def test_s1_every_state_changing_form_and_cookie_api_call_needs_its_csrf_token(matrix_system):
    """CSRF on every state-changing route: as an admin (allowed everything), a form without the session's
    token and a cookie-authenticated API write without X-CSRF-Token are refused with 403.

    Every route is called with a logged-in session: one session serves route after route while it stays
    logged in (a refused request changes nothing), and a new one (a login, argon2) follows only a route
    that ended it; a login per route cost 285 s at load 25."""
    caller = Caller(matrix_system, "admin")
    base = matrix_system.base_url
    wrong = []
    cookies, _ = caller.new_web_session()
    for route in gateway_routes():
        method, rule = route.split(" ", 1)
        if method == "GET" or route in OWN_CSRF_FORMS | PUBLIC_FORMS or route == "POST /api/v1/auth/token":
            continue
        path = concrete_path(rule)
        if not logged_in(base, cookies):
            cookies, _ = caller.new_web_session()
        if is_api(path):
            response = requests.request(method, base + path, json={}, cookies=cookies, allow_redirects=False)
        else:
            response = requests.request(
                method,
                base + path,
                files={"csrf_token": (None, "forged")},
                cookies=cookies,
                allow_redirects=False,
            )
        refused = response.status_code == 403 or (route in INPUT_FIRST and 400 <= response.status_code < 500)
        if not refused:
            wrong.append(f"{route}: HTTP {response.status_code}")
    assert not wrong, "accepted without the CSRF token:\n" + "\n".join(wrong)
