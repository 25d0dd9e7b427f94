"""Democratic appraisal (民主评议) of a topic's handling: the raters' scores of a handling unit on each criterion."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, utcnow
from .org import Unit
from .topic import Topic

CRITERIA = ("attitude", "quality", "effect")  # 办理态度, 答复质量, 落实成效: each scored 0 to 100


class Appraisal(Base):
    """One appraisal meeting of a topic: the unit appraised, when, and what the office noted."""

    __tablename__ = "appraisal"

    id: Mapped[intpk]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    held_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topic: Mapped[Topic] = relationship()
    unit: Mapped[Unit] = relationship()
    scores: Mapped[list["AppraisalScore"]] = relationship(back_populates="appraisal", cascade="all, delete-orphan",
                                                          order_by="AppraisalScore.id")


class AppraisalScore(Base):
    """One rater's scores (a member, a sector representative, a resident) in an appraisal; one row per rater."""

    __tablename__ = "appraisal_score"
    __table_args__ = (UniqueConstraint("appraisal_id", "rater"),
                      *(CheckConstraint(f"{c} BETWEEN 0 AND 100", name=f"{c}_in_range") for c in CRITERIA))

    id: Mapped[intpk]
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisal.id", ondelete="CASCADE"), index=True)
    rater: Mapped[str] = mapped_column(String(60))
    attitude: Mapped[int]
    quality: Mapped[int]
    effect: Mapped[int]
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    appraisal: Mapped[Appraisal] = relationship(back_populates="scores")
