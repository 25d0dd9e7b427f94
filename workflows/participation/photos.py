"""Photos sent with a public proposal: checked and re-encoded with Pillow, kept for the office, public only once
the office publishes one. Called by the public form and API (attach) and the office's pages (show, publish).

Nothing a resident sends is served as sent: every photo is decoded, its pixels bounded, turned upright by its
EXIF orientation and written again as a plain JPEG, so no metadata (GPS position, camera), script or polyglot
payload survives, and the served type is always image/jpeg.
"""
import io
import warnings
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from models import ProposalPhoto, PublicProposal, User
from models.database import require_writing
from workflows.people import audit

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024  # per photo as sent; the browser checks the same before sending
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before its pixels are read
LONGEST_SIDE = 1600  # stored size: enough to see the matter, small enough to serve on a phone
FORMATS = {"JPEG", "PNG", "WEBP"}
TOO_MANY = f"最多 {MAX_PHOTOS} 张照片 (at most {MAX_PHOTOS} photos)"
TOO_BIG = f"每张照片不超过 {MAX_BYTES // 1024 // 1024} MB (each photo at most {MAX_BYTES // 1024 // 1024} MB)"
NOT_A_PHOTO = "只接受 JPEG、PNG 或 WebP 照片 (only JPEG, PNG or WebP photos)"


@dataclass
class Photo:
    """A photo re-encoded as JPEG, ready to store."""

    content: bytes
    width: int
    height: int


def clean(sent: list[bytes]) -> list[Photo]:
    """Return the photos re-encoded, or raise InvalidInput naming the ``photos`` field."""
    sent = [data for data in sent if data]
    if len(sent) > MAX_PHOTOS:
        raise InvalidInput(TOO_MANY, {"photos": TOO_MANY})
    if any(len(data) > MAX_BYTES for data in sent):
        raise InvalidInput(TOO_BIG, {"photos": TOO_BIG})
    return [_reencode(data) for data in sent]


def _reencode(data: bytes) -> Photo:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # Pillow only warns below twice its limit
        return _decoded(data)


def _decoded(data: bytes) -> Photo:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput(NOT_A_PHOTO, {"photos": NOT_A_PHOTO})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
            upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            out = io.BytesIO()
            upright.save(out, format="JPEG", quality=85, optimize=True)
            return Photo(out.getvalue(), upright.width, upright.height)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise InvalidInput(NOT_A_PHOTO, {"photos": NOT_A_PHOTO}) from exc


def attach(session: Session, proposal: PublicProposal, photos: list[Photo], now: datetime) -> None:
    """Store the proposal's photos, not public."""
    require_writing(session)
    for photo in photos:
        session.add(ProposalPhoto(proposal_id=proposal.id, content=photo.content, width=photo.width,
                                  height=photo.height, published=False, created_at=now))


def of(session: Session, proposal: PublicProposal, published_only: bool) -> list[int]:
    """Return the ids of the proposal's photos (only the published ones for the public), oldest first."""
    query = select(ProposalPhoto.id).where(ProposalPhoto.proposal_id == proposal.id).order_by(ProposalPhoto.id)
    if published_only:
        query = query.where(ProposalPhoto.published.is_(True))
    return list(session.scalars(query))


def states(session: Session, proposal: PublicProposal) -> list[tuple[int, bool]]:
    """Return each photo's id and whether it is public, for the office."""
    return list(session.execute(select(ProposalPhoto.id, ProposalPhoto.published)
                                .where(ProposalPhoto.proposal_id == proposal.id).order_by(ProposalPhoto.id)).tuples())


def one(session: Session, proposal: PublicProposal, photo_id: int, published_only: bool) -> ProposalPhoto:
    """Return the proposal's photo, else NotFound (the same for one that is not public)."""
    photo = session.get(ProposalPhoto, photo_id)
    if photo is None or photo.proposal_id != proposal.id or (published_only and not photo.published):
        raise NotFound("没有这张照片 (no such photo)")
    return photo


def publish(session: Session, user: User, proposal: PublicProposal, photo_id: int, public: bool,
            now: datetime) -> None:
    """Make one of the proposal's photos public or take it back; audited."""
    require_writing(session)
    photo = one(session, proposal, photo_id, published_only=False)
    if photo.published != public:
        photo.published = public
        audit.record(session, "photo_published" if public else "photo_withdrawn", user,
                     f"proposal:{proposal.number}", now=now, photo=photo_id)
