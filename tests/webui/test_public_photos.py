"""Photos on a public proposal: re-encoded with Pillow (metadata gone, always JPEG), bounded in number, size and
pixels, hostile files refused with the typed text kept, never public until the office publishes one (audited).
"""
import io
from typing import Any

from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from models import AuditEntry, ProposalPhoto, PublicProposal
from tests.webui.test_public_proposals import _form


def _image(kind: str = "JPEG", size: tuple[int, int] = (2400, 1200), exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {2: (31.0, 47.0, 0.0)}  # GPSInfo: a latitude
        image.save(out, format=kind, exif=data)
    else:
        image.save(out, format=kind)
    return out.getvalue()


def _send(client: Any, files: list[tuple[bytes, str]], **fields: str) -> Any:
    _, check = _form(client)
    data: dict[str, Any] = {"title": "路边树枝倒伏", "description": "请看照片。", "category": "governance",
                            "place": "zhenglu-c1", **check, **fields}
    data["photos"] = [FileStorage(io.BytesIO(content), name) for content, name in files]
    # encoded in memory: the test client would spool a large body to a temporary file it never closes
    boundary, body = encode_multipart(MultiDict([(k, v) for k, vs in data.items()
                                                 for v in (vs if isinstance(vs, list) else [vs])]))
    return client.post("/public/propose", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _number(response: Any) -> str:
    return str(response.headers["Location"].split("/public/proposals/")[1].split("?")[0])


def test_a_photo_is_re_encoded_and_public_only_once_the_office_publishes_it(
        app: Flask, web: Any, session: Session) -> None:
    client = app.test_client()
    sent = _send(client, [(_image(exif=True), "a.jpg"), (_image("PNG", (300, 500)), "b.png")])
    assert sent.status_code == 302
    number = _number(sent)
    proposal = session.scalar(select(PublicProposal).where(PublicProposal.number == number))
    assert proposal is not None
    stored = session.scalars(select(ProposalPhoto).where(ProposalPhoto.proposal_id == proposal.id)
                             .order_by(ProposalPhoto.id)).all()
    assert [(p.width, p.height, p.published) for p in stored] == [(1600, 800, False), (300, 500, False)]
    for photo in stored:
        with Image.open(io.BytesIO(photo.content)) as kept:
            assert kept.format == "JPEG" and not kept.getexif()  # no camera, no GPS position
    first = stored[0].id
    page = client.get(f"/public/proposals/{number}").get_data(as_text=True)
    assert "public-photos" not in page
    assert client.get(f"/public/proposals/{number}/photos/{first}.jpg").status_code == 404
    office = web("office_tianning")
    item = office.get(f"/proposals/{number}").get_data(as_text=True)
    assert f"/proposals/{number}/photos/{first}.jpg" in item
    seen = office.get(f"/proposals/{number}/photos/{first}.jpg")
    assert seen.status_code == 200 and seen.mimetype == "image/jpeg"
    assert web("office_wujin").get(f"/proposals/{number}/photos/{first}.jpg").status_code == 404
    assert office.post(f"/proposals/{number}/photos/{first}", {"public": "1"}).status_code == 302
    shown = client.get(f"/public/proposals/{number}/photos/{first}.jpg")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg" and shown.data == stored[0].content
    assert f"/photos/{first}.jpg" in client.get(f"/public/proposals/{number}").get_data(as_text=True)
    assert client.get(f"/public/proposals/{number}/photos/{stored[1].id}.jpg").status_code == 404
    session.rollback()  # end the read begun above, to see what the office's request wrote
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "photo_published"))
    assert entry is not None and entry.target == f"proposal:{number}"


def test_hostile_or_oversized_photos_are_refused_and_the_typed_text_stays(app: Flask, session: Session) -> None:
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, format="PNG")  # a small file of 144 million pixels
    cases = [
        [(b"<html><script>alert(1)</script></html>", "evil.jpg")],
        [(b"GIF89a" + _image()[:200], "poly.gif")],
        [(_image()[:500], "cut.jpg")],
        [(bomb.getvalue(), "bomb.png")],
        [(_image("PNG", (64, 64)), f"{n}.png") for n in range(4)],
        [(_image() + b"\0" * (5 * 1024 * 1024), "big.jpg")],
    ]
    for files in cases:
        refused = _send(app.test_client(), files, title="保留我写的标题")
        page = refused.get_data(as_text=True)
        assert refused.status_code == 422, files[0][1]
        assert "保留我写的标题" in page and 'id="e-photos"' in page and "<script>alert(1)" not in page
    assert session.scalars(select(ProposalPhoto)).all() == []
    assert session.scalars(select(PublicProposal).where(PublicProposal.title == "保留我写的标题")).all() == []
