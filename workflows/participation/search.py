"""Full-text search over proposals, on SQLite and PostgreSQL alike: the words are segmented with jieba here, and
the database matches whole words (an FTS5 table on SQLite, a GIN index over a tsvector on PostgreSQL; both built
by migration 0021_triage). Called by workflows.participation.triage to index a new item and to suggest duplicates.
"""
import logging
import re

from sqlalchemy import ColumnElement, Select, column, func, insert, literal_column, table
from sqlalchemy.orm import Session

from models import PublicProposal

WORD = re.compile(r"\w{2,}")  # one character is too common in Chinese to say that two items are alike
MAX_WORDS_CHARS = 8000
MAX_QUERY_WORDS = 40  # the query is bounded whatever the length of the item
FTS = table("proposal_search", column("rowid"), column("words"), column("rank"))


def words(text: str) -> str:
    """Return the text's distinct words (jieba's search segmentation), lower-cased and joined by spaces."""
    import jieba  # loads its dictionary on first use, never on import of this module

    jieba.setLogLevel(logging.WARNING)
    seen = dict.fromkeys(w.lower() for w in jieba.cut_for_search(text) if WORD.fullmatch(w))
    return " ".join(seen)[:MAX_WORDS_CHARS]


def index(session: Session, proposal: PublicProposal) -> None:
    """Segment a new item's title and description and index them (an item's text never changes afterwards)."""
    proposal.words = words(f"{proposal.title} {proposal.description}")
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(insert(FTS).values(rowid=proposal.id, words=proposal.words))


def matching(session: Session, text_words: str, query: Select[tuple[PublicProposal]],
             limit: int) -> list[PublicProposal]:
    """Return the items of ``query`` sharing words with ``text_words``, the most alike first, in one statement."""
    terms = text_words.split()[:MAX_QUERY_WORDS]
    if not terms:
        return []
    query = query.order_by(None)  # the most alike first, whatever order the caller's query had
    if session.get_bind().dialect.name == "sqlite":
        ranked = (query.join(FTS, FTS.c.rowid == PublicProposal.id)
                  .where(literal_column("proposal_search").op("MATCH")(" OR ".join(f'"{t}"' for t in terms)))
                  .order_by(FTS.c.rank))
    else:
        vector, wanted = _tsvector(), func.to_tsquery(literal_column("'simple'"), " | ".join(terms))
        ranked = query.where(vector.op("@@")(wanted)).order_by(func.ts_rank(vector, wanted).desc())
    return list(session.scalars(ranked.order_by(PublicProposal.id.desc()).limit(limit)))


def _tsvector() -> ColumnElement[str]:
    # the same expression as the GIN index, so that PostgreSQL uses it
    return func.to_tsvector(literal_column("'simple'"), PublicProposal.words)
