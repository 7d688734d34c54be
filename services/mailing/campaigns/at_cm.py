"""A campaign at Campaign Monitor (M1, M4), shared by the mailing service (test sends, reports, unschedule)
and the mailing workers (the send): making the draft there, whose content Campaign Monitor fetches from
Piiri's public content URLs, and reading its report.

Campaign Monitor takes a campaign's content only from URLs it fetches itself (``HtmlUrl``, ``TextUrl``):
``MAILING_CONTENT_BASE_URL`` (else ``MAILING_WEBHOOK_BASE_URL``, the gateway's public address) +
``/api/v1/mailing/campaign-content/<id>/<secret>.html|.txt``; the secret is the campaign's own. The draft is
made once (its id is kept in the same transaction that holds the campaign's row lock, so two callers do
not make two) and named ``<name> (<id prefix>)``, unique as Piiri's ids are: when an earlier try made it
but its answer was lost, Campaign Monitor refuses the name (code 303) and the draft of that name is taken.
"""

from collections import Counter

from piiri.errors import ServiceUnavailable, ValidationFailed
from services.mailing.campaigns import rules, storage
from services.mailing.contract import errors
from services.mailing.flags import rules as flag_rules
from services.mailing.mail_templates import rules as template_rules

DUPLICATE_NAME = 303
ALREADY_SENT = 331
NOT_SCHEDULED = 332
PAGE = 1000
MAX_PAGES = 50  # clicks and bounces read for a report: 50,000 rows at most


def content_base(config):
    base = str(config.get("MAILING_CONTENT_BASE_URL") or config.get("MAILING_WEBHOOK_BASE_URL") or "")
    if not base.strip():
        raise ServiceUnavailable(errors.CONTENT_URL_NOT_CONFIGURED)
    return base.strip().rstrip("/")


def content_urls(config, campaign):
    path = f"/api/v1/mailing/campaign-content/{campaign['id']}/{campaign['content_secret']}"
    base = content_base(config) + path
    return f"{base}.html", f"{base}.txt"


def ensure_created(db, account, config, campaign_id):
    """The campaign's row with its Campaign Monitor draft (made now if missing). Every list must have been
    synced (it has its Campaign Monitor list)."""
    with db.transaction() as session:
        campaign = storage.get_campaign(session, campaign_id, for_update=True)
        if campaign["cm_campaign_id"]:
            return campaign
        lists = storage.lists_of(session, campaign["list_ids"])
        missing = [str(key) for key, row in lists.items() if not row["cm_list_id"]]
        if missing:
            raise ValidationFailed(
                errors.CAMPAIGN_STATE,
                {"list_ids": [{"code": errors.CAMPAIGN_STATE, "params": {"state": "not_synced"}}]},
            )
        # M2: a list custom field the template merges must still be on every list (fields can change)
        template_rules.unknown_list_fields(campaign["template"], rules.list_fields(lists))
        html_url, text_url = content_urls(config, campaign)
        subject = template_rules.for_campaign_monitor(campaign["template"]).subject
        try:
            cm_id = account.call(
                account.campaigns().create,
                account.client_id,
                subject,
                rules.cm_name(campaign),
                campaign["from_name"],
                campaign["from_email"],
                campaign["reply_to"],
                html_url,
                text_url,
                [lists[key]["cm_list_id"] for key in lists],
                [],
            )
        except ValidationFailed as exc:
            cm_id = _made_before(account, campaign) if cm_code(exc) == DUPLICATE_NAME else None
            if cm_id is None:
                raise
        return storage.update_campaign(session, campaign["id"], {"cm_campaign_id": cm_id})


def _made_before(account, campaign):
    """The draft an earlier try made when its answer was lost (its name is the campaign's own), or None."""
    name = rules.cm_name(campaign)
    drafts = account.call(account.client().drafts)
    return next((item.CampaignID for item in drafts if item.Name == name), None)


def cm_code(exc):
    return (getattr(exc, "details", None) or {}).get("cm_code")


def send(account, campaign):
    """Ask Campaign Monitor to send now or at ``send_at``; already sent (a retry) is fine."""
    cm = account.campaigns(campaign["cm_campaign_id"])
    try:
        account.call(cm.send, campaign["reply_to"], rules.cm_send_date(campaign["send_at"]))
    except ValidationFailed as exc:
        if cm_code(exc) != ALREADY_SENT:
            raise


def _pages(account, read):
    for page in range(1, MAX_PAGES + 1):
        answer = account.call(read, page=page, page_size=PAGE)
        yield from answer.Results
        if page >= (answer.NumberOfPages or 0):
            return


def report_and_bounces(account, campaign):
    """M4: the campaign's figures at Campaign Monitor: recipients, opens (unique, total), clicks (total,
    unique per link), unsubscribes, bounces (hard, soft), spam complaints. Opens and clicks are tracked
    by Campaign Monitor only for subscribers whose ConsentToTrack is yes. And (M5, the bounce policy of
    flags/bounces.py) each recipient's bounce: [(e-mail, "hard" | "soft", when)], and (M4) each
    recipient's opens and clicks ({e-mail: tracking}, ``person_activity``), kept out of the figures
    (they are stored on the campaign; the bounces and the activity name people)."""
    cm = account.campaigns(campaign["cm_campaign_id"])
    summary = account.call(cm.summary)
    clicks = Counter()
    clickers = {}
    click_rows = list(_pages(account, cm.clicks))
    for row in click_rows:
        clicks[row.URL] += 1
        clickers.setdefault(row.URL, set()).add(str(row.EmailAddress).lower())
    activity = person_activity(list(_pages(account, cm.opens)), click_rows)
    bounced = [
        (
            str(row.EmailAddress),
            flag_rules.bounce_kind(getattr(row, "BounceType", None)),
            flag_rules.event_time(getattr(row, "Date", None)),
        )
        for row in _pages(account, cm.bounces)
    ]
    bounces = Counter(kind for _, kind, _ in bounced)
    figures = {
        "recipients": summary.Recipients,
        "opened_unique": summary.UniqueOpened,
        "opened_total": summary.TotalOpened,
        "clicks": summary.Clicks,
        "links": [
            {"url": url, "clicks": count, "unique": len(clickers[url])} for url, count in clicks.most_common()
        ],
        "unsubscribed": summary.Unsubscribed,
        "bounced": summary.Bounced,
        "bounced_hard": bounces.get("hard", 0),
        "bounced_soft": bounces.get("soft", 0),
        "spam": summary.SpamComplaints,
        "web_version_url": getattr(summary, "WebVersionURL", None),
    }
    return figures, bounced, activity


def person_activity(opens, clicks):
    """{lower-case e-mail: {opens, clicks, links (each once, in the order first clicked), last_opened_at,
    last_clicked_at}} of Campaign Monitor's open and click rows (EmailAddress, Date, and URL for a click)."""
    found = {}

    def of(row):
        return found.setdefault(
            str(row.EmailAddress).strip().lower(),
            {"opens": 0, "clicks": 0, "links": [], "last_opened_at": None, "last_clicked_at": None},
        )

    for row in opens:
        noted, when = of(row), flag_rules.event_time(getattr(row, "Date", None))
        noted["opens"] += 1
        noted["last_opened_at"] = max(filter(None, (noted["last_opened_at"], when)), default=None)
    for row in clicks:
        noted, when = of(row), flag_rules.event_time(getattr(row, "Date", None))
        noted["clicks"] += 1
        noted["last_clicked_at"] = max(filter(None, (noted["last_clicked_at"], when)), default=None)
        if row.URL not in noted["links"]:
            noted["links"].append(row.URL)
    return found
