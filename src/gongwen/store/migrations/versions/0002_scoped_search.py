"""Search by scope, and PostgreSQL's own phrase index.

Revision ID: 0002
Revises: 0001

- Public passages (title, headings, preview parts) beside the body paragraphs
  (paragraphs.kind), every passage re-indexed with its scope side, so a viewer who may not read
  a material matches it only through what its page shows everyone.
- PostgreSQL: para_terms (token arrays + substring recheck) becomes para_search, a positional
  tsvector of gongwen's own tokens with GIN, searched newest-first window by window by the
  plpgsql function para_search_ids (store/index/postgres.py explains it). Core PostgreSQL only:
  no extension, no text search configuration, no locale.

A data migration: the passages and index rows are what the code of this release makes (the
tokenizer and the facet tokens are the definition of the index).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The viewer's scope, inside the index query. The rule is store/index/__init__.py's VISIBLE and
# the side of fts5.candidates_sql, spelled here for PostgreSQL; tests/search/test_backends.py checks
# that both databases find the same passages for every kind of viewer.
FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION para_search_window(lo bigint, hi bigint) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
-- The aligned id buckets covering blocks [lo, hi) (a block = 4096 ids), as an OR of the bucket
-- lexemes '#<shift>.<id >> shift>' that every para_search row carries.
DECLARE
    cur bigint := lo;
    shift integer;
    span bigint;
    b tsquery;
    result tsquery;
BEGIN
    WHILE cur < hi LOOP
        FOREACH shift IN ARRAY ARRAY[24, 21, 18, 15, 12] LOOP
            span := 1::bigint << (shift - 12);
            IF cur % span = 0 AND cur + span <= hi THEN
                b := quote_literal('#' || shift || '.' || (cur >> (shift - 12)))::tsquery;
                result := CASE WHEN result IS NULL THEN b ELSE result || b END;
                cur := cur + span;
                EXIT;
            END IF;
        END LOOP;
    END LOOP;
    RETURN result;
END
$$;

CREATE OR REPLACE FUNCTION para_search_in_scope(ids integer[], visible_at timestamptz,
                                                read_from timestamptz, read_to timestamptz)
RETURNS integer[]
LANGUAGE sql STABLE AS $$
-- The passages of `ids` a viewer may match: materials published by visible_at and not retired;
-- with a readable window, the full side of materials published inside it and the public side
-- of the others (without one, the query itself asks for the public side).
SELECT coalesce(array_agg(p.id), '{}')
  FROM paragraphs p
  JOIN revisions r ON r.id = p.revision_id
  JOIN materials m ON m.id = r.material_id
 WHERE p.id = ANY(ids)
   AND m.published_at IS NOT NULL AND m.published_at <= visible_at AND m.retired_at IS NULL
   AND (read_from IS NULL
        OR CASE WHEN m.published_at >= read_from AND m.published_at <= read_to
                THEN p.kind <> 'preview' ELSE p.kind <> 'body' END)
$$;

CREATE OR REPLACE FUNCTION para_search_ids(q tsquery, cap integer, needles text[],
                                           facets tsquery, scan tsquery DEFAULT NULL,
                                           density float8 DEFAULT NULL,
                                           visible_at timestamptz DEFAULT NULL,
                                           read_from timestamptz DEFAULT NULL,
                                           read_to timestamptz DEFAULT NULL)
RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
-- Ids of the newest `cap` passages matching `q` (phrases and facets as a tsquery) within the
-- scope (visible_at NULL: every material), plus the overflow rows (normally none) whose token
-- stream contains every needle and whose tsvector matches `facets`. The same set as SQLite's
-- fts5.candidates_sql. `scan` is what the GIN index is asked: some lexemes of `q`, ANDed, no
-- phrase, so the index answer is exact; every row it finds is then checked against `q` (NULL:
-- `q` has no phrase and is asked as it is). `density`: the expected fraction of rows the index
-- finds (from ANALYZE's most common lexemes; an upper bound), which sizes the first window.
DECLARE
    top integer;
    top_block bigint;
    hi bigint;
    lo bigint;
    size bigint;  -- of the next window, in blocks of 4,096 ids
    known bigint;
    w tsquery;
    found integer[];
    part integer[];
BEGIN
    SELECT max(id) INTO top FROM para_search;
    IF top IS NULL THEN
        RETURN '{}';
    END IF;
    SELECT coalesce(array_agg(id), '{}') INTO found FROM para_search
     WHERE stream IS NOT NULL
       AND (facets IS NULL OR tsv @@ facets)
       AND NOT EXISTS (SELECT 1 FROM unnest(needles) AS needle WHERE strpos(stream, needle) = 0);
    IF visible_at IS NOT NULL AND found <> '{}' THEN
        found := para_search_in_scope(found, visible_at, read_from, read_to);
    END IF;
    top_block := top >> 12;
    hi := top_block + 1;
    -- the first window should hold about 0.7 * cap rows that the index finds
    size := CASE WHEN density > 0
                 THEN least(hi, greatest(1, ceil(0.7 * cap / density / 4096)::bigint))
                 ELSE 1 END;
    LOOP
        lo := greatest(0, hi - size);
        IF scan IS NULL THEN
            w := q && para_search_window(lo, hi);
            SELECT coalesce(array_agg(id), '{}') INTO part FROM para_search WHERE tsv @@ w;
        ELSE
            w := scan && para_search_window(lo, hi);
            SELECT coalesce(array_agg(id), '{}') INTO part FROM para_search
             WHERE tsv @@ w AND ts_match_vq(tsv, q);  -- a call, not @@: a filter, no index
        END IF;
        IF visible_at IS NOT NULL AND part <> '{}' THEN
            part := para_search_in_scope(part, visible_at, read_from, read_to);
        END IF;
        found := found || part;
        -- every match with an id in a searched window (or an overflow row) is known
        SELECT count(*) INTO known FROM unnest(found) i WHERE i >= lo << 12;
        EXIT WHEN known >= cap OR lo = 0;
        IF known > 0 THEN  -- size the next window from the density so far, growing 1-2x
            size := least(size * 2, greatest(size,
                ceil(1.2 * (cap - known) * (top_block + 1 - lo) / known)::bigint));
        ELSE
            size := size * 8;
        END IF;
        hi := lo;
    END LOOP;
    RETURN ARRAY(SELECT i FROM unnest(found) i ORDER BY i DESC LIMIT cap);
END
$$;
"""


def upgrade() -> None:
    with op.batch_alter_table("paragraphs") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=8), server_default="body", nullable=False)
        )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("INSERT INTO para_fts(para_fts) VALUES ('delete-all')")
    else:
        op.execute("DROP TABLE para_terms")
        op.execute(
            "CREATE TABLE para_search ("
            " id integer PRIMARY KEY REFERENCES paragraphs(id),"
            " tsv tsvector NOT NULL,"  # tokens with positions, prefixes, facets, id buckets
            " stream text"  # overflow rows only: what a tsvector cannot hold exactly
            ")"
        )
        op.execute("CREATE INDEX ix_para_search_tsv ON para_search USING gin (tsv)")
        op.execute(
            "CREATE INDEX ix_para_search_overflow ON para_search (id) WHERE stream IS NOT NULL"
        )
        op.execute(FUNCTIONS)
    # The passages and index rows are rebuilt by 0004 (the reindex runs the code of the
    # release, which also writes the material index that 0004 creates).


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before the upgrade instead")
