"""The case page as a case file (案卷): every step's content, who and when, deadlines as they were, lanes in
words, escalation from the page, and one PDF of the whole topic with its masthead and number."""
import re
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from sqlalchemy import select

from models import Event
from tests.conftest import NOW
from tests.factories import drive, start_topic
from workflows.demo.world import district_path, town_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


def test_the_case_page_holds_every_steps_content_who_and_when(web, session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning"), NOW)
    page = web("office_tianning").get(f"/topics/{topic.id}").get_data(as_text=True)
    casefile = page[page.index('data-testid="casefile"'):page.index("</section>", page.index('data-testid="casefile"'))]
    for content in ("群众反映强烈，需协商推动解决", "走访住户 120 户", "委员 8 名，群众代表 6 名", "现场协商",
                    "形成协商纪要，建议三条。", "天宁区住房和城乡建设局", "B 类：正在解决", "满意",
                    "成效明显，同意办结"):
        assert content in casefile, content
    assert casefile.count('class="step"') == len(district_path("tianning"))
    assert "天宁区政协社会和法制委" in casefile and "时限" in casefile
    assert '"cppcc_office": "政协办公室"' in page  # the diagram's lanes in words


def test_a_supervisor_escalates_from_the_case_page(web, session):
    topic = start_topic(session, NOW)
    supervisor = web("supervisor_tianning")
    page = supervisor.get(f"/topics/{topic.id}").get_data(as_text=True)
    item_id = re.search(r'/supervision/tasks/(\d+)/escalate', page).group(1)
    response = supervisor.post(f"/supervision/tasks/{item_id}/escalate",
                               {"reason": "请本周内提交", "next": f"/topics/{topic.id}"})
    assert response.headers["Location"] == f"/topics/{topic.id}"
    page = supervisor.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert "督办" in page and "请本周内提交" in page and "天宁区政协督查" in page
    assert 'data-testid="escalate-here"' not in web("office_tianning").get(f"/topics/{topic.id}").get_data(as_text=True)
    session.commit()
    assert session.scalar(select(Event.kind).where(Event.kind == "escalated")) == "escalated"


def test_the_case_file_prints_as_one_pdf_with_masthead_number_and_participants(web, session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning"), NOW)
    clerk = web("office_tianning")
    preview = clerk.get(f"/topics/{topic.id}/casefile.pdf?preview=1").get_data(as_text=True)
    assert '<div class="org">天宁区政协</div>' in preview
    assert f"天宁政协案〔2026〕{topic.id}号" in preview
    assert "天宁区住建局" in preview and "天宁区政协主席会议" in preview and "2026-03-02" in preview
    assert preview.count('<div class="step">') == len(district_path("tianning"))
    printed = clerk.get(f"/topics/{topic.id}/casefile.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf" and printed.data.startswith(b"%PDF")
    document = pdfium.PdfDocument(printed.data)
    assert len(document) >= 2  # the whole path does not fit one A4 page
    second = re.sub(r"\s", "", document[1].get_textpage().get_text_range())
    assert f"天宁政协案〔2026〕{topic.id}号" in second and "第2页/共" in second  # the stylesheet's page margins
    page_one = document[0].render(scale=1).to_pil().convert("RGB")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page_one.save(ARTIFACTS / "casefile-pdf-page-1.png")
    masthead = page_one.crop((0, 0, page_one.width, page_one.height // 6))
    assert any(r > 150 and g < 40 and b < 40 for _n, (r, g, b) in masthead.getcolors(1 << 24))  # red masthead, rule
    assert web("office_wujin").get(f"/topics/{topic.id}/casefile.pdf").status_code == 404


def test_a_town_topics_case_file_carries_the_towns_masthead(web, session):
    topic = start_topic(session, NOW, level="town", town="zhenglu")
    drive(session, topic, town_path("tianning", "zhenglu")[:2], NOW)
    preview = web("office_zhenglu").get(f"/topics/{topic.id}/casefile.pdf?preview=1").get_data(as_text=True)
    assert '<div class="org">郑陆镇政协工委</div>' in preview
