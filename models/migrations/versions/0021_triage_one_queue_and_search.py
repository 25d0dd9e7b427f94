"""triage: one queue for every source of a proposed topic, merging, the topic an item became, full-text search

Adds to public_proposal its source (public, member, opinion, assigned), who submitted it, the room an opinion
was heard in, the item it was merged into, the topic it became, and its words segmented with jieba. The words
are indexed for full-text search: on SQLite an FTS5 table ``proposal_search`` (rowid = the proposal's id, kept
by workflows.participation.search), on PostgreSQL a GIN index over ``to_tsvector('simple', words)``.

Revision ID: 0021_triage
Revises: 0020_join
Create Date: 2026-11-29 20:30:00
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0021_triage'
down_revision = '0020_join'
branch_labels = None
depends_on = None

SOURCE = sa.Enum('public', 'member', 'opinion', 'assigned', name='proposalsource', native_enum=False, length=32)
WORD = re.compile(r"\w{2,}")


def _words(text: str) -> str:
    """Segment as the search service did when this revision was written (a frozen copy: migrations never change)."""
    import jieba

    seen = dict.fromkeys(w.lower() for w in jieba.cut_for_search(text) if WORD.fullmatch(w))
    return " ".join(seen)[:8000]


def upgrade() -> None:
    with op.batch_alter_table('public_proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', SOURCE, server_default='public', nullable=False))
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('topic_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('words', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_public_proposal_submitted_by_id_user'), 'user',
                                    ['submitted_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_public_proposal_room_id_consultation_room'), 'consultation_room',
                                    ['room_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_public_proposal_merged_into_id_public_proposal'),
                                    'public_proposal', ['merged_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_public_proposal_topic_id_topic'), 'topic', ['topic_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_public_proposal_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_proposal_submitted_by_id'), ['submitted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_proposal_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_proposal_topic_id'), ['topic_id'], unique=False)
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, title, description FROM public_proposal")).all()
    for row in rows:
        connection.execute(sa.text("UPDATE public_proposal SET words = :words WHERE id = :id"),
                           {"words": _words(f"{row.title} {row.description}"), "id": row.id})
    if connection.dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE proposal_search USING fts5(words)")
        op.execute("INSERT INTO proposal_search (rowid, words) SELECT id, words FROM public_proposal")
    else:
        op.execute("CREATE INDEX proposal_search_words ON public_proposal USING gin (to_tsvector('simple', words))")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE proposal_search")
    else:
        op.execute("DROP INDEX proposal_search_words")
    with op.batch_alter_table('public_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_proposal_topic_id'))
        batch_op.drop_index(batch_op.f('ix_public_proposal_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_public_proposal_submitted_by_id'))
        batch_op.drop_index(batch_op.f('ix_public_proposal_source'))
        batch_op.drop_constraint(batch_op.f('fk_public_proposal_topic_id_topic'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_public_proposal_merged_into_id_public_proposal'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_public_proposal_room_id_consultation_room'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_public_proposal_submitted_by_id_user'), type_='foreignkey')
        batch_op.drop_column('words')
        batch_op.drop_column('topic_id')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('room_id')
        batch_op.drop_column('submitted_by_id')
        batch_op.drop_column('source')
