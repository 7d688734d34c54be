"""Member counts of groups kept in step by triggers (C7, C5), and saved advanced searches (C4).

Revision ID: 0014
Revises: 0013

- ``group_member_counts``: per group, the distinct contacts with an active direct membership
  (``direct_members``) and with an active membership in the group or any subgroup (``all_members``),
  as of the one day in ``group_member_counts_day``. The tree page reads them instead of counting
  1.5M memberships per view.
- Kept exact by statement-level triggers, in the same transaction as the change, on every path
  (RPCs, merges, automations, contact deletes, COPY):
  * memberships INSERT/UPDATE/DELETE: for the people touched, their (group, person) and
    (ancestor, person) pairs active on the counted day before and after the statement; the
    difference is added to the counts. Each person's row in contacts is locked first, so two
    transactions changing the same person's memberships count one after the other (distinct).
  * groups UPDATE that changes a path (a move): the subtree-including counts of the old and new
    ancestors outside the moved subtree are recounted, with memberships locked against writes.
- ``piiri_group_counts_roll(day)``: moves the counted day forward to ``day``, re-counting only the
  people whose memberships start or end in between (the service calls it before reading). With no
  counted day (a new or emptied table) the next write or roll counts everything once.
- ``piiri_group_counts_rebuild(day)``: counts everything from scratch (this migration, bulk seeds).
- ``saved_searches.expression``: an advanced-search expression (AND/OR/NOT tree) a saved search may
  hold instead of a query and filters.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)

ACTIVE = "{t}starts_on <= {day} AND ({t}ends_on IS NULL OR {t}ends_on > {day})"
ANCESTORS = "unnest(string_to_array(trim(both '/' from {path}), '/')::uuid[])"

APPLY_FUNCTION = f"""
CREATE FUNCTION piiri_group_counts_apply(
    changed uuid[], skip_ids uuid[], old_rows memberships[], before_day date, after_day date
) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF coalesce(cardinality(changed), 0) = 0 THEN
        RETURN;
    END IF;
    -- One change of a person's memberships at a time: a concurrent one waits here, then (a new
    -- snapshot in the next statement) sees this one's rows, so a person is counted once.
    PERFORM 1 FROM contacts WHERE id = ANY(changed) ORDER BY id FOR NO KEY UPDATE;
    WITH people AS (
        SELECT DISTINCT p AS contact_id FROM unnest(changed) AS p
    ), now_rows AS (
        SELECT m.id, m.group_id, m.contact_id, m.starts_on, m.ends_on
        FROM memberships m JOIN people USING (contact_id)
    ), after_direct AS (
        SELECT DISTINCT group_id, contact_id FROM now_rows
        WHERE {ACTIVE.format(t="", day="after_day")}
    ), before_direct AS (
        SELECT DISTINCT group_id, contact_id FROM (
            SELECT n.group_id, n.contact_id, n.starts_on, n.ends_on FROM now_rows n
            WHERE NOT EXISTS (SELECT 1 FROM unnest(skip_ids) AS s(id) WHERE s.id = n.id)
            UNION ALL
            SELECT o.group_id, o.contact_id, o.starts_on, o.ends_on FROM unnest(old_rows) AS o
        ) AS b
        WHERE {ACTIVE.format(t="b.", day="before_day")}
    ), after_all AS (
        SELECT DISTINCT a.ancestor, d.contact_id
        FROM after_direct d JOIN groups g ON g.id = d.group_id
        CROSS JOIN LATERAL {ANCESTORS.format(path="g.path")} AS a(ancestor)
    ), before_all AS (
        SELECT DISTINCT a.ancestor, d.contact_id
        FROM before_direct d JOIN groups g ON g.id = d.group_id
        CROSS JOIN LATERAL {ANCESTORS.format(path="g.path")} AS a(ancestor)
    ), deltas AS (
        SELECT x.group_id, sum(x.d)::int AS d, sum(x.a)::int AS a FROM (
            SELECT group_id, 1 AS d, 0 AS a FROM after_direct
            UNION ALL SELECT group_id, -1, 0 FROM before_direct
            UNION ALL SELECT ancestor, 0, 1 FROM after_all
            UNION ALL SELECT ancestor, 0, -1 FROM before_all
        ) AS x
        GROUP BY x.group_id
        HAVING sum(x.d) <> 0 OR sum(x.a) <> 0
    )
    INSERT INTO group_member_counts AS c (group_id, direct_members, all_members)
    SELECT deltas.group_id, deltas.d, deltas.a FROM deltas
    WHERE EXISTS (SELECT 1 FROM groups g WHERE g.id = deltas.group_id)
    ORDER BY deltas.group_id
    ON CONFLICT (group_id) DO UPDATE
    SET direct_members = c.direct_members + excluded.direct_members,
        all_members = c.all_members + excluded.all_members;
END
$$
"""

MEMBERSHIPS_TRIGGER_FUNCTION = """
CREATE FUNCTION piiri_memberships_counted() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    day date;
BEGIN
    SELECT counted_on INTO day FROM group_member_counts_day FOR SHARE;
    IF day IS NULL THEN  -- never counted (or emptied): count everything, this statement included
        PERFORM piiri_group_counts_rebuild(CURRENT_DATE);
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM piiri_group_counts_apply(
            ARRAY(SELECT DISTINCT contact_id FROM new_rows), ARRAY(SELECT id FROM new_rows),
            '{}'::memberships[], day, day);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM piiri_group_counts_apply(
            ARRAY(SELECT contact_id FROM new_rows UNION SELECT contact_id FROM old_rows),
            ARRAY(SELECT id FROM new_rows), ARRAY(SELECT ROW(o.*)::memberships FROM old_rows o), day, day);
    ELSE
        PERFORM piiri_group_counts_apply(
            ARRAY(SELECT DISTINCT contact_id FROM old_rows), '{}'::uuid[],
            ARRAY(SELECT ROW(o.*)::memberships FROM old_rows o), day, day);
    END IF;
    RETURN NULL;
END
$$
"""

SUBTREE_COUNT = f"""
    SELECT count(DISTINCT m.contact_id) FROM memberships m JOIN groups g ON g.id = m.group_id
    WHERE g.path LIKE tg.path || '%' AND {ACTIVE.format(t="m.", day="day")}
"""

GROUPS_TRIGGER_FUNCTION = f"""
CREATE FUNCTION piiri_groups_moved() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    day date;
    targets uuid[];
BEGIN
    targets := ARRAY(
        SELECT a.ancestor
        FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.path <> o.path
        CROSS JOIN LATERAL (
            SELECT x FROM {ANCESTORS.format(path="o.path")} AS x
            UNION SELECT y FROM {ANCESTORS.format(path="n.path")} AS y
        ) AS a(ancestor)
        EXCEPT
        SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.path <> o.path
    );
    IF cardinality(targets) = 0 THEN
        RETURN NULL;
    END IF;
    -- No membership changes while the ancestors are recounted (a move is a rare admin action).
    LOCK TABLE memberships IN SHARE MODE;
    SELECT counted_on INTO day FROM group_member_counts_day FOR SHARE;
    IF day IS NULL THEN
        PERFORM piiri_group_counts_rebuild(CURRENT_DATE);
        RETURN NULL;
    END IF;
    INSERT INTO group_member_counts AS c (group_id, direct_members, all_members)
    SELECT tg.id, 0, ({SUBTREE_COUNT})
    FROM groups tg WHERE tg.id = ANY(targets)
    ORDER BY tg.id
    ON CONFLICT (group_id) DO UPDATE SET all_members = excluded.all_members;
    RETURN NULL;
END
$$
"""

ROLL_FUNCTION = """
CREATE FUNCTION piiri_group_counts_roll(target date) RETURNS date
LANGUAGE plpgsql
AS $$
DECLARE
    day date;
BEGIN
    SELECT counted_on INTO day FROM group_member_counts_day FOR UPDATE;
    IF day IS NULL THEN
        PERFORM piiri_group_counts_rebuild(target);
        RETURN target;
    END IF;
    IF day >= target THEN
        RETURN day;
    END IF;
    PERFORM piiri_group_counts_apply(
        ARRAY(
            SELECT DISTINCT contact_id FROM memberships
            WHERE (starts_on > day AND starts_on <= target) OR (ends_on > day AND ends_on <= target)
        ),
        '{}'::uuid[], '{}'::memberships[], day, target);
    UPDATE group_member_counts_day SET counted_on = target;
    RETURN target;
END
$$
"""

REBUILD_FUNCTION = f"""
CREATE FUNCTION piiri_group_counts_rebuild(day date) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    LOCK TABLE memberships IN SHARE MODE;
    INSERT INTO group_member_counts_day (id, counted_on) VALUES (true, day)
    ON CONFLICT (id) DO UPDATE SET counted_on = excluded.counted_on;
    DELETE FROM group_member_counts;
    INSERT INTO group_member_counts (group_id, direct_members, all_members)
    SELECT g.id, coalesce(d.n, 0), coalesce(a.n, 0)
    FROM groups g
    LEFT JOIN (
        SELECT m.group_id, count(DISTINCT m.contact_id)::int AS n FROM memberships m
        WHERE {ACTIVE.format(t="m.", day="day")} GROUP BY m.group_id
    ) AS d ON d.group_id = g.id
    LEFT JOIN (
        SELECT x.ancestor, count(DISTINCT m.contact_id)::int AS n
        FROM memberships m JOIN groups mg ON mg.id = m.group_id
        CROSS JOIN LATERAL {ANCESTORS.format(path="mg.path")} AS x(ancestor)
        WHERE {ACTIVE.format(t="m.", day="day")} GROUP BY x.ancestor
    ) AS a ON a.ancestor = g.id
    WHERE d.n IS NOT NULL OR a.n IS NOT NULL;
END
$$
"""


def upgrade():
    op.create_table(
        "group_member_counts",
        sa.Column("group_id", UUID, sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("direct_members", sa.Integer, nullable=False, server_default="0"),
        sa.Column("all_members", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "group_member_counts_day",
        sa.Column("id", sa.Boolean, primary_key=True, server_default=sa.text("true")),
        sa.Column("counted_on", sa.Date, nullable=False),
        sa.CheckConstraint("id", name="group_member_counts_day_one_row"),
    )
    op.execute(APPLY_FUNCTION)
    op.execute(MEMBERSHIPS_TRIGGER_FUNCTION)
    op.execute(GROUPS_TRIGGER_FUNCTION)
    op.execute(ROLL_FUNCTION)
    op.execute(REBUILD_FUNCTION)
    op.execute(
        "CREATE TRIGGER memberships_counted_insert AFTER INSERT ON memberships "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION piiri_memberships_counted()"
    )
    op.execute(
        "CREATE TRIGGER memberships_counted_update AFTER UPDATE ON memberships "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION piiri_memberships_counted()"
    )
    op.execute(
        "CREATE TRIGGER memberships_counted_delete AFTER DELETE ON memberships "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION piiri_memberships_counted()"
    )
    op.execute(
        "CREATE TRIGGER groups_moved AFTER UPDATE ON groups "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION piiri_groups_moved()"
    )
    op.execute("SELECT piiri_group_counts_rebuild(CURRENT_DATE)")
    op.add_column("saved_searches", sa.Column("expression", postgresql.JSONB))


def downgrade():
    op.drop_column("saved_searches", "expression")
    op.execute("DROP TRIGGER groups_moved ON groups")
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER memberships_counted_{event} ON memberships")
    op.execute("DROP FUNCTION piiri_group_counts_rebuild(date)")
    op.execute("DROP FUNCTION piiri_group_counts_roll(date)")
    op.execute("DROP FUNCTION piiri_groups_moved()")
    op.execute("DROP FUNCTION piiri_memberships_counted()")
    op.execute("DROP FUNCTION piiri_group_counts_apply(uuid[], uuid[], memberships[], date, date)")
    op.drop_table("group_member_counts_day")
    op.drop_table("group_member_counts")
