"""The written sections of the consolidated report: generated, edited, exported."""

import io
from datetime import date

import pytest
import time_machine
from docx import Document

from theodoi.core.workflow import Stale
from theodoi.reporting import actions, consolidation, sections
from theodoi.reporting.models import ReportSection
from theodoi.testing import make_user, make_work_item
from theodoi.units.models import Membership

from .test_consolidation import filled  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
Key = ReportSection.Key


@pytest.fixture
def both(filled):  # noqa: F811
    """Sở TT&TT also reported, coordinating BDV's first work item."""
    w = filled.world
    reporter = make_user("sotttt-reporter", Membership.Role.AGENCY_REPORTER, w.sotttt)
    report = actions.do_start_report(filled.h1, w.sotttt)
    with time_machine.travel(date(2018, 7, 8)):
        actions.do_submit_report(
            report,
            by=reporter,
            data={
                filled.item1.pk: {
                    "status": "in_progress",
                    "percent": 50,
                    "results": "Đã tổ chức 3 hội nghị",
                    "shortcomings": "Thiếu kinh phí tổ chức hội nghị.",
                }
            },
        )
    return filled


def _texts(blocks):
    return [(b.kind, b.text) for b in blocks]


def test_results_per_field_and_work_item_leads_first(both):
    blocks = sections.results(consolidation.build(both.h1))
    texts = _texts(blocks)
    item1 = str(both.item1)
    assert ("h3", item1) in texts
    # One paragraph per work item: the lead's text continues the sentence its name begins.
    after = texts[texts.index(("h3", item1)) + 1]
    assert after == (
        "p",
        "Ban Dân vận Tỉnh ủy đã xong. Phối hợp thực hiện: Sở Thông tin và Truyền thông.",
    )
    assert next(t for k, t in texts if k == "h2").startswith("1. ")
    # The field opens with the state of its work items, counted as in the annex.
    field_summary = texts[texts.index(next(x for x in texts if x[0] == "h2")) + 1]
    assert field_summary[0] == "p"
    assert field_summary[1].startswith("Các cơ quan, đơn vị chủ trì ")


def test_lead_units_figures_are_added_and_named(both):
    data = consolidation.build(both.h1)
    w = both.world
    item = both.item1
    data.narratives = [
        (w.district1, item, "lead", "Đã tổ chức 5 hội nghị cho 300 lượt người."),
        (w.district2, item, "lead", "Đã tổ chức 7 hội nghị cho 420 lượt người"),
        (w.sotttt, item, "coordinating", "Đã tổ chức 7 hội nghị cho 420 lượt người"),
    ]
    blocks = sections.results(data)
    said = blocks[[b.text for b in blocks].index(str(item)) + 1].text
    assert said == (
        "Các huyện ủy Một, Hai đã tổ chức 12 hội nghị cho 720 lượt người"
        " (số liệu cộng của 2 đơn vị). Phối hợp thực hiện: Sở Thông tin và Truyền thông."
    )


def test_figures_that_cannot_be_added_stay_with_their_unit(both):
    data = consolidation.build(both.h1)
    w = both.world
    item = both.item1
    data.narratives = [
        (w.district1, item, "lead", "Đã triển khai tại 5/12 xã, thị trấn."),
        (w.district2, item, "lead", "Đã triển khai tại 7/20 xã, thị trấn."),
        (w.commune1a, item, "lead", "Đã triển khai tại 7/20 xã, thị trấn."),
    ]
    blocks = sections.results(data)
    said = blocks[[b.text for b in blocks].index(str(item)) + 1].text
    assert said == (
        "Huyện ủy Một đã triển khai tại 5/12 xã, thị trấn."
        " Huyện ủy Hai đã triển khai tại 7/20 xã, thị trấn."
        " Xã Một A đã triển khai tại 7/20 xã, thị trấn."
    )


def test_the_same_shortcoming_from_two_units_is_said_once(both):
    blocks = sections.shortcomings(consolidation.build(both.h1))
    assert len(blocks) == 1
    text = blocks[0].text
    assert text.startswith("Thiếu kinh phí tổ chức hội nghị (Ban Dân vận Tỉnh ủy,")
    assert "Sở Thông tin và Truyền thông" in text


def test_outlook_names_the_work_due_next_and_the_overdue(both):
    blocks = sections.outlook(consolidation.build(both.h1))
    texts = [b.text for b in blocks]
    assert (
        texts[0]
        == "Trong 6 tháng cuối năm 2018, tập trung thực hiện tốt các nhiệm vụ trọng tâm sau:"
    )
    due = texts.index(next(t for t in texts if t.startswith("1. Triển khai")))
    overdue = texts.index("2. Khắc phục các nhiệm vụ quá hạn chưa hoàn thành")
    # Item 2 runs to 31/12 and is not done: due next; item 1 ended 30/06: not.
    assert any(str(both.item2) in t and "hạn 31/12/2018" in t for t in texts[due:overdue])
    assert not any(str(both.item1) in t for t in texts[due:overdue])
    # Overdue: BDV's item 2 as reported, commune 1A's item 3 that nobody reported.
    assert any(str(both.item3) in t and "Xã Một A" in t for t in texts[overdue:])


def test_outlook_groups_the_work_due_next_by_field_and_task(both):
    """Part V follows the plan's structure: a heading per field, one line per task;
    a task with several items due names their numbers, all their leads and the
    latest deadline instead of repeating every item."""
    w = both.world
    for number, (lead, end) in enumerate(
        [(w.bdv, date(2018, 9, 30)), (w.sotttt, date(2018, 11, 30))], start=1
    ):
        item = make_work_item(
            both.plan,
            lead=lead,
            field="Công tác dân vận",
            task="Nhiệm vụ tiếp theo",
            title=f"Việc {number}",
            start=date(2018, 7, 1),
            end=end,
        )
        item.number = f"2.1.{number}"
        item.save()
    texts = _texts(sections.outlook(consolidation.build(both.h1)))
    assert ("h3", "a) Công tác dân vận") in texts
    assert (
        "bullet",
        "Nhiệm vụ tiếp theo: 2 nhóm công việc (2.1.1, 2.1.2); chủ trì: Ban Dân vận Tỉnh ủy,"
        " Sở Thông tin và Truyền thông; hạn chậm nhất 30/11/2018.",
    ) in texts
    assert not any("Việc 1" in t for _, t in texts)


def test_outlook_sources_plug_in(both):
    def awaiting(period):
        return [
            sections.Block("h2", "Thực hiện các ý kiến chỉ đạo"),
            sections.Block("bullet", "X."),
        ]

    sections.OUTLOOK_SOURCES.append(awaiting)
    try:
        texts = [b.text for b in sections.outlook(consolidation.build(both.h1))]
    finally:
        sections.OUTLOOK_SOURCES.remove(awaiting)
    assert "3. Thực hiện các ý kiến chỉ đạo" in texts
    assert texts[-1] == "X."


def test_text_round_trip():
    blocks = [
        sections.Block("h2", "1. Công tác tuyên truyền"),
        sections.Block("h3", "1.1. Hội nghị"),
        sections.Block("bullet", "Đã xong."),
        sections.Block("p", "Đoạn văn."),
    ]
    assert sections.from_text(sections.to_text(blocks)) == blocks
    assert sections.from_text("\n  \n– gạch đầu dòng\n") == [
        sections.Block("bullet", "gạch đầu dòng")
    ]


def _paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs if p.text.strip()]


def test_an_edited_section_is_what_the_export_prints_until_restored(both):
    w = both.world
    data = consolidation.build(both.h1)
    generated = sections.to_text(sections.proposals(data))
    sections.save(
        both.h1,
        Key.PROPOSALS,
        text="# 1. Đối với Thường trực Tỉnh ủy\n- Bổ sung kinh phí cho hội nghị báo cáo viên.",
        version=0,
        generated_text=generated,
        by=w.coordinator,
        reason="Gộp kiến nghị",
    )
    body = _paragraphs(consolidation.to_docx(consolidation.build(both.h1)))
    start = body.index("VI. KIẾN NGHỊ, ĐỀ XUẤT")
    assert body[start + 1 : start + 3] == [
        "1. Đối với Thường trực Tỉnh ủy",
        "- Bổ sung kinh phí cho hội nghị báo cáo viên.",
    ]
    assert "Đề nghị bổ sung kinh phí" not in " ".join(body[start:])
    # A second editor who read version 0 is refused, not silently overwritten.
    with pytest.raises(Stale) as stale:
        sections.save(
            both.h1,
            Key.PROPOSALS,
            text="Khác",
            version=0,
            generated_text=generated,
            by=w.coordinator,
        )
    assert stale.value.current.text.startswith("# 1. Đối với")
    section = ReportSection.objects.get(period=both.h1, key=Key.PROPOSALS)
    assert section.history.first().history_change_reason == "Gộp kiến nghị"
    sections.restore(both.h1, Key.PROPOSALS, version=1, by=w.coordinator, reason="Dùng bản tự động")
    body = _paragraphs(consolidation.to_docx(consolidation.build(both.h1)))
    assert any("Đề nghị bổ sung kinh phí" in p for p in body)


def test_restore_needs_a_reason_and_empty_text_is_refused(both):
    from django.core.exceptions import ValidationError

    w = both.world
    with pytest.raises(ValidationError) as error:
        sections.save(
            both.h1, Key.RESULTS, text="  \n ", version=0, generated_text="", by=w.coordinator
        )
    assert "text" in error.value.message_dict
    sections.save(
        both.h1, Key.RESULTS, text="Kết quả.", version=0, generated_text="", by=w.coordinator
    )
    with pytest.raises(ValidationError) as error:
        sections.restore(both.h1, Key.RESULTS, version=1, by=w.coordinator, reason=" ")
    assert "reason" in error.value.message_dict


def test_the_annex_follows_the_signature(both):
    doc = Document(
        io.BytesIO(consolidation.to_docx(consolidation.build(both.h1), number="15-BC/BTGTU"))
    )
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    annex = texts.index("PHỤ LỤC")
    assert texts[annex + 1] == "(Kèm theo Báo cáo số 15-BC/BTGTU của Ban Tuyên giáo Tỉnh ủy)"
    assert "1. Tổng hợp theo tình trạng thực hiện" in texts[annex:]
    assert texts.index("VI. KIẾN NGHỊ, ĐỀ XUẤT") < annex


# The page ---------------------------------------------------------------------------------


def test_the_draft_page_edits_a_section(client, both):
    w = both.world
    url = f"/reporting/periods/{both.h1.pk}/draft/"
    client.force_login(w.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert "Thiếu kinh phí tổ chức hội nghị (Ban Dân vận Tỉnh ủy" in page.content.decode()
    response = client.post(
        url,
        {
            "key": "outlook",
            "version": 0,
            "text": "Tập trung hoàn thành Đề án.",
            "reason": "Rút gọn",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#section-outlook")
    assert (
        ReportSection.objects.get(period=both.h1, key="outlook").text
        == "Tập trung hoàn thành Đề án."
    )
    # The same form sent again from the stale version: 409 with the newer text shown.
    stale = client.post(url, {"key": "outlook", "version": 0, "text": "Khác", "reason": ""})
    assert stale.status_code == 409
    assert "Tập trung hoàn thành Đề án." in stale.content.decode()
    # Restore without a reason: the message at the field.
    refused = client.post(url, {"key": "outlook", "version": 1, "action": "restore", "reason": ""})
    assert refused.status_code == 422
    assert ReportSection.objects.filter(period=both.h1, key="outlook").exists()
    bad = client.post(url, {"key": "nonsense", "version": 0, "text": "x"})
    assert bad.status_code == 404


def test_readers_read_and_cannot_edit(client, both):
    w = both.world
    url = f"/reporting/periods/{both.h1.pk}/draft/"
    client.force_login(w.viewer)
    page = client.get(url)
    assert page.status_code == 200
    assert "<textarea" not in page.content.decode()
    assert client.post(url, {"key": "outlook", "version": 0, "text": "x"}).status_code == 403
    assert not ReportSection.objects.exists()


def test_units_are_named_as_a_report_names_them(both):
    w = both.world
    data = consolidation.build(both.h1)
    with sections._districts_of(data):
        # Two huyện ủy share their title once; an agency keeps its full name, first.
        assert sections._names([w.district1, w.sotttt, w.district2]) == (
            "Sở Thông tin và Truyền thông, các huyện ủy Một, Hai"
        )
        assert sections._names([w.district1]) == "Huyện ủy Một"
    # Every district committee asked by the plan (three or more): said as staff say it.
    from types import SimpleNamespace

    city = SimpleNamespace(pk=-3, kind="district", name="Thành ủy Ba")
    three = [w.district1, w.district2, city]
    token = sections._DISTRICTS.set(frozenset(u.pk for u in three))
    try:
        assert sections._names([w.sotttt, *three]) == (
            "Sở Thông tin và Truyền thông, các huyện ủy, thành ủy"
        )
        # One missing: named one by one, the city first, then the huyện ủy together.
        assert sections._names([city, w.district2]) == "Thành ủy Ba, Huyện ủy Hai"
    finally:
        sections._DISTRICTS.reset(token)


@pytest.mark.parametrize(
    "text, said",
    [
        ("Đã tổ chức 3 hội nghị.", " đã tổ chức 3 hội nghị."),
        ("Hoàn thành 7 lớp.", " hoàn thành 7 lớp."),
        ("Ban Tuyên giáo chủ trì.", ": Ban Tuyên giáo chủ trì."),
        ("UBND tỉnh đã bố trí.", ": UBND tỉnh đã bố trí."),
        ("100% chi bộ đã quán triệt.", ": 100% chi bộ đã quán triệt."),
        ("Huyện ủy đã chỉ đạo.", ": Huyện ủy đã chỉ đạo."),
    ],
)
def test_a_narrative_continues_the_sentence_its_unit_begins(text, said):
    assert sections._continue(text) == said
