"""M5 bounce policy, on the database: a campaign report's bounces are noted on the recipient ledger in one
statement (services/mailing/flags/storage.py mark_bounces): once per campaign and address, whatever the
address's case, a hard bounce over a soft one, nothing for an erased row or an address not sent to, and
nothing new when the same report is pulled again."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.mailing.flags import storage

EARLY = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
LATE = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def test_m5_a_reports_bounces_are_noted_once_per_address_hard_over_soft(clean_databases):
    engine = clean_databases["mailing"]
    anna, bertta, list_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        template_id = conn.execute(
            text(
                "INSERT INTO mail_templates (name, subject, mjml, text, created_by, updated_by)"
                " VALUES ('T', 'S', '<mjml/>', 't', 'x', 'x') RETURNING id"
            )
        ).scalar_one()
        campaign_id = conn.execute(
            text(
                "INSERT INTO campaigns (name, template_id, template, list_ids, from_name, from_email,"
                " reply_to, content_secret, actor, created_by) VALUES ('Joulukirje', :template,"
                " '{}'::jsonb, '[]'::jsonb, 'Piiri', 'a@example.fi', 'a@example.fi', 's', 'x', 'x')"
                " RETURNING id"
            ),
            {"template": template_id},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO campaign_recipients (campaign_id, contact_id, email, list_id) VALUES"
                " (:campaign, :anna, 'Anna@Example.fi', :list),"
                " (:campaign, :bertta, 'bertta@example.fi', :list),"
                " (:campaign, NULL, 'erased@example.fi', :list)"
            ),
            {"campaign": campaign_id, "anna": anna, "bertta": bertta, "list": list_id},
        )
    report = [
        ("anna@example.fi", "soft", EARLY),
        ("ANNA@example.fi", "hard", LATE),  # the same address, hard this time: counts as hard
        ("bertta@example.fi", "soft", EARLY),
        ("erased@example.fi", "hard", EARLY),
        ("nobody@example.fi", "hard", EARLY),
    ]
    with Session(engine) as session, session.begin():
        noted = storage.mark_bounces(session, campaign_id, report)
    assert sorted(noted, key=lambda row: row[2]) == [
        (anna, list_id, "Anna@Example.fi", "hard", LATE),
        (bertta, list_id, "bertta@example.fi", "soft", EARLY),
    ]
    with Session(engine) as session, session.begin():
        assert storage.mark_bounces(session, campaign_id, report) == []  # pulled again: nothing new
        assert storage.mark_bounces(session, campaign_id, []) == []
        assert storage.mark_bounces(session, campaign_id, [("bertta@example.fi", "hard", LATE)]) == [
            (bertta, list_id, "bertta@example.fi", "hard", LATE)
        ]
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT email, bounce FROM campaign_recipients ORDER BY email")).all()
    assert [tuple(row) for row in rows] == [
        ("Anna@Example.fi", "hard"),
        ("bertta@example.fi", "hard"),
        ("erased@example.fi", None),
    ]
