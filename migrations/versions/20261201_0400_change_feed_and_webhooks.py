"""Change feed and webhooks: feed tables, the public-visibility rule and representations as SQL
functions, capture triggers on place / practice / practice_place, the sequencer, the webhook outbox.

See docs/architecture.md, "Change feed and webhooks".

Revision ID: 0400
Revises: 0200
Create Date: 2026-12-01 09:22:33.774846
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0400'
down_revision: str | None = '0200'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The rule of public visibility, once, for SQL (reuse it: lists, exports, the feed) and Python.
PUBLIC_RULES = [
    """CREATE FUNCTION place_is_public(moderation text) RETURNS boolean
       LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN moderation = 'publie'""",
    """CREATE FUNCTION practice_is_public(status text) RETURNS boolean
       LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN status = 'publiee'""",
]

# The public representations (PlaceRead without `bonnes_pratiques`, which the practices' own entries
# carry as `lieux`; PracticeRead without the owners-only `motif_moderation`).
REPRESENTATIONS = [
    """CREATE FUNCTION place_public_json(p place) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE
    RETURN jsonb_build_object(
        'id', p.id, 'slug', p.slug, 'nom', p.name, 'description', p.description, 'statut', p.status,
        'ouverture_prevue', p.opening_planned_date, 'projet', p.project_kind, 'mise_en_reseau', p.networking,
        'types', p.types, 'services', p.services, 'adresse', p.address, 'code_postal', p.postcode,
        'commune', p.commune, 'code_insee', p.insee_code, 'departement', p.department_code,
        'position', CASE WHEN p.geom IS NULL THEN NULL ELSE jsonb_build_object(
            'lon', round(ST_X(p.geom)::numeric, 6), 'lat', round(ST_Y(p.geom)::numeric, 6)) END,
        'teletravail', jsonb_build_object(
            'postes', p.desks, 'bureaux_prives', p.private_offices, 'salles_reunion', p.meeting_rooms,
            -- decimal euros as strings ("15.00"), as the detail writes them
            'prix_demi_journee', p.price_half_day::text, 'prix_journee', p.price_day::text,
            'prix_mois', p.price_month::text,
            'reservation_url', p.booking_url, 'acces_24_7', p.access_24_7, 'publics', p.audiences,
            'debit_internet_mbps', p.bandwidth_mbps),
        'horaires', p.opening_hours, 'email', p.email, 'telephone', p.phone, 'site_web', p.website,
        'accessibilite', p.accessibility, 'images', p.images, 'organisation', p.organisation_id,
        'moderation', p.moderation, 'source', p.source, 'cree_le', p.created_at, 'maj_le', p.updated_at,
        'version', p.version)""",
    """CREATE FUNCTION practice_public_json(b practice) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE
    RETURN jsonb_build_object(
        'id', b.id, 'slug', b.slug, 'titre', b.title, 'resume', b.summary, 'contenu', b.content_md,
        'contenu_html', b.content_html, 'thematiques', b.themes,
        'lieux', coalesce((
            SELECT jsonb_agg(jsonb_build_object('id', pl.id, 'slug', pl.slug, 'nom', pl.name,
                                                'departement', pl.department_code) ORDER BY pl.sort_name, pl.id)
            FROM practice_place pp JOIN place pl ON pl.id = pp.place_id
            WHERE pp.practice_id = b.id AND place_is_public(pl.moderation)), '[]'::jsonb),
        'organisation', b.organisation_id, 'liens', b.links, 'pieces_jointes', b.attachments,
        'statut', b.status, 'publiee_le', b.published_at, 'cree_le', b.created_at, 'maj_le', b.updated_at,
        'version', b.version)""",
]

# Capture, at commit (deferred triggers): compare the resource's public representation now with the last one the feed published
# (feed_state); a difference is a change: publication (was not public), retrait (is no longer public:
# a tombstone) or modification (the top-level fields that differ). The feed_state row is locked first,
# so a capture that waited for a concurrent one reads, in its next statements, what that one committed
# (READ COMMITTED takes a snapshot per statement in a VOLATILE function). The outbox rows for the
# active subscriptions that want this event are written in the same transaction; NOTIFY wakes the
# worker at commit.
CAPTURE = [
    """CREATE FUNCTION feed_capture(kind text, rid uuid) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        previous jsonb;
        current jsonb;
        what text;
        changed text[];
        change_id bigint;
    BEGIN
        INSERT INTO feed_state (resource, resource_id) VALUES (kind, rid) ON CONFLICT DO NOTHING;
        SELECT data INTO previous FROM feed_state WHERE resource = kind AND resource_id = rid FOR UPDATE;
        IF kind = 'lieu' THEN
            SELECT place_public_json(p) INTO current FROM place p
            WHERE p.id = rid AND place_is_public(p.moderation);
        ELSE
            SELECT practice_public_json(b) INTO current FROM practice b
            WHERE b.id = rid AND practice_is_public(b.status);
        END IF;
        IF current IS NOT DISTINCT FROM previous THEN
            RETURN;
        END IF;
        IF previous IS NULL THEN
            what := 'publication';
            changed := ARRAY(SELECT k FROM jsonb_object_keys(current) k ORDER BY k);
        ELSIF current IS NULL THEN
            what := 'retrait';
            changed := '{}';
        ELSE
            what := 'modification';
            changed := ARRAY(SELECT k FROM jsonb_each(current) c(k, v)
                             WHERE v IS DISTINCT FROM previous -> k ORDER BY k);
        END IF;
        UPDATE feed_state SET data = current WHERE resource = kind AND resource_id = rid;
        INSERT INTO feed_change (resource, resource_id, action, fields, data)
        VALUES (kind, rid, what, changed, current) RETURNING id INTO change_id;
        INSERT INTO webhook_delivery (subscription_id, change_id)
        SELECT s.id, change_id FROM webhook_subscription s
        WHERE s.active AND kind || '.' || what = ANY (s.events);
        PERFORM pg_notify('reseau_feed', '');
    END $$""",
    """CREATE FUNCTION feed_place_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        rid uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    BEGIN
        PERFORM feed_capture('lieu', rid);
        -- its good practices list it (name, slug, department) while it is public
        PERFORM feed_capture('bonne_pratique', pp.practice_id) FROM practice_place pp WHERE pp.place_id = rid;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION feed_practice_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM feed_capture('bonne_pratique', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION feed_practice_place_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM feed_capture('bonne_pratique', OLD.practice_id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM feed_capture('bonne_pratique', NEW.practice_id);
        END IF;
        RETURN NULL;
    END $$""",
]

# The sequencer: positions become visible in increasing order although transactions commit in any
# order. Rows are inserted without a position; one sequencer at a time (the table lock) numbers the
# committed rows it sees, in insertion order, after the last position given, and commits. A row
# committed later gets a later position; a reader never sees position n+1 before n.
# A REPEATABLE READ caller (the export) takes the lock before its first query, so that its snapshot
# and the positions it gives agree: see feed/queries.py.
SEQUENCER = [
    """CREATE FUNCTION feed_sequence() RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE
        last bigint;
        assigned bigint;
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM feed_change WHERE position IS NULL) THEN
            RETURN (SELECT last_position FROM feed_sequencer);
        END IF;
        LOCK TABLE feed_sequencer IN EXCLUSIVE MODE;
        SELECT last_position INTO last FROM feed_sequencer;
        UPDATE feed_change c SET position = last + n.rank
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM feed_change WHERE position IS NULL) n
        WHERE c.id = n.id;
        GET DIAGNOSTICS assigned = ROW_COUNT;
        UPDATE feed_sequencer SET last_position = last + assigned;
        RETURN last + assigned;
    END $$""",
    # Retention: drop the numbered prefix older than the cutoff; older cursors then get 410.
    """CREATE FUNCTION feed_purge(cutoff timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE
        through bigint;
    BEGIN
        LOCK TABLE feed_sequencer IN EXCLUSIVE MODE;
        SELECT max(position) INTO through FROM feed_change WHERE position IS NOT NULL AND changed_at < cutoff;
        IF through IS NULL THEN
            RETURN (SELECT purged_through FROM feed_sequencer);
        END IF;
        DELETE FROM feed_change WHERE position <= through;
        UPDATE feed_sequencer SET purged_through = greatest(purged_through, through);
        RETURN through;
    END $$""",
]

FUNCTIONS = PUBLIC_RULES + REPRESENTATIONS + CAPTURE + SEQUENCER
TRIGGERS = [("place", "feed_place_changed"), ("practice", "feed_practice_changed"),
            ("practice_place", "feed_practice_place_changed")]
DROPPED_FUNCTIONS = ["feed_purge(timestamptz)", "feed_sequence()", "feed_capture(text, uuid)",
                     "practice_public_json(practice)", "place_public_json(place)",
                     "practice_is_public(text)", "place_is_public(text)"]


def upgrade() -> None:
    op.create_table('feed_change',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=True),
    sa.Column('resource', sa.String(length=16), nullable=False),
    sa.Column('resource_id', sa.UUID(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('fields', sa.ARRAY(sa.String(length=40)), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.CheckConstraint("(action = 'retrait') = (data IS NULL)", name=op.f('ck_feed_change_tombstone_has_no_data')),
    sa.CheckConstraint("action IN ('publication', 'modification', 'retrait')", name=op.f('ck_feed_change_action')),
    sa.CheckConstraint("resource IN ('lieu', 'bonne_pratique')", name=op.f('ck_feed_change_resource')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_change')),
    sa.UniqueConstraint('position', name=op.f('uq_feed_change_position'))
    )
    op.create_index(op.f('ix_feed_change_changed_at'), 'feed_change', ['changed_at'], unique=False)
    op.create_index('ix_feed_change_pending', 'feed_change', ['id'], unique=False, postgresql_where=sa.text('position IS NULL'))
    op.create_table('feed_sequencer',
    sa.Column('singleton', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('last_position', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('purged_through', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.CheckConstraint('singleton', name=op.f('ck_feed_sequencer_singleton')),
    sa.PrimaryKeyConstraint('singleton', name=op.f('pk_feed_sequencer'))
    )
    op.create_table('feed_state',
    sa.Column('resource', sa.String(length=16), nullable=False),
    sa.Column('resource_id', sa.UUID(), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.PrimaryKeyConstraint('resource', 'resource_id', name=op.f('pk_feed_state'))
    )
    op.create_table('webhook_subscription',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('events', sa.ARRAY(sa.String(length=40)), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('secret_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('disabled_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscription'))
    )
    op.create_table('webhook_delivery',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('subscription_id', sa.UUID(), nullable=False),
    sa.Column('change_id', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=12), server_default=sa.text("'en_attente'"), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_latency_ms', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('en_attente', 'livree', 'echouee')", name=op.f('ck_webhook_delivery_state')),
    sa.ForeignKeyConstraint(['change_id'], ['feed_change.id'], name=op.f('fk_webhook_delivery_change_id_feed_change'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscription.id'], name=op.f('fk_webhook_delivery_subscription_id_webhook_subscription'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery'))
    )
    op.create_index(op.f('ix_webhook_delivery_change_id'), 'webhook_delivery', ['change_id'], unique=False)
    op.create_index('ix_webhook_delivery_due', 'webhook_delivery', ['next_attempt_at'], unique=False, postgresql_where=sa.text("state = 'en_attente'"))
    op.create_index('ix_webhook_delivery_subscription_id_id', 'webhook_delivery', ['subscription_id', 'id'], unique=False)
    op.execute("INSERT INTO feed_sequencer DEFAULT VALUES")
    for statement in FUNCTIONS:
        op.execute(statement)
    # What is public now is what an export at position 0 holds: the feed starts from it.
    op.execute("""INSERT INTO feed_state (resource, resource_id, data)
        SELECT 'lieu', p.id, place_public_json(p) FROM place p WHERE place_is_public(p.moderation)
        UNION ALL
        SELECT 'bonne_pratique', b.id, practice_public_json(b) FROM practice b WHERE practice_is_public(b.status)""")
    for table, function in TRIGGERS:
        # Deferred to the commit: a use case that writes a row several times (content, then version)
        # is captured once, in its final state, and never in an intermediate one.
        op.execute(f"CREATE CONSTRAINT TRIGGER feed_capture AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    for table, function in TRIGGERS:
        op.execute(f"DROP TRIGGER feed_capture ON {table}")
        op.execute(f"DROP FUNCTION {function}()")
    for signature in DROPPED_FUNCTIONS:
        op.execute(f"DROP FUNCTION {signature}")
    op.drop_index('ix_webhook_delivery_subscription_id_id', table_name='webhook_delivery')
    op.drop_index('ix_webhook_delivery_due', table_name='webhook_delivery', postgresql_where=sa.text("state = 'en_attente'"))
    op.drop_index(op.f('ix_webhook_delivery_change_id'), table_name='webhook_delivery')
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_subscription')
    op.drop_table('feed_state')
    op.drop_table('feed_sequencer')
    op.drop_index('ix_feed_change_pending', table_name='feed_change', postgresql_where=sa.text('position IS NULL'))
    op.drop_index(op.f('ix_feed_change_changed_at'), table_name='feed_change')
    op.drop_table('feed_change')
