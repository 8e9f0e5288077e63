"""Materials are known by their source; the document's own date, URL and version family;
placeholders carry a type, an approximation flag and a field name.

Revision ID: 0003
Revises: 0002

Until 0002 a material's `key` was its normalised title and organisation, so distinct documents
with the same title (政府工作报告 of three years and three provinces) became revisions of one
material. From now on `key` is the source's identity (resolved file path plus record URL/number
or the document's title within a multi-document file) and `family` is what the old key was:
materials of one family are versions of one document (a law's editions), linked, never merged.

Existing materials keep their key (a legacy title key never equals a source key) and get it as
their family; a re-ingest of an old source therefore stores a new material once, beside the old.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("materials") as batch:
        batch.add_column(sa.Column("family", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("doc_date", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("url", sa.Text(), nullable=False, server_default=""))
    op.execute("UPDATE materials SET family = key")
    op.create_index("ix_materials_family", "materials", ["family"])
    # Placeholders as fields: type, approximation, and the field name repeats of one figure share.
    with op.batch_alter_table("placeholders") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="number"))
        batch.add_column(
            sa.Column("approximate", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("field", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("placeholders") as batch:
        batch.drop_column("field")
        batch.drop_column("approximate")
        batch.drop_column("kind")
    op.drop_index("ix_materials_family", "materials")
    with op.batch_alter_table("materials") as batch:
        batch.drop_column("url")
        batch.drop_column("doc_date")
        batch.drop_column("family")
