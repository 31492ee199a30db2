import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from theodoi.core.workflow import Stale, TransitionRefused
from theodoi.directions import actions
from theodoi.directions.actions import FollowUpIn
from theodoi.directions.models import Matter
from theodoi.permissions import directions as access

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(world):
    return actions.do_raise_matter(
        world.province, raised_by=world.btg, by=world.coordinator, raised_on=date(2018, 5, 10),
        title="Tiêu chí chấm điểm công tác tuyên vận",
    )  # fmt: skip


def test_direction_follow_up_and_closure(world, matter):
    assert matter.state == Matter.State.AWAITING
    matter = actions.do_record_direction(
        matter, by=world.coordinator, number="263-TB/TU", issued_on=date(2018, 6, 1),
        text="Giao Ban Tuyên giáo sửa đổi tiêu chí.", version=matter.version,
        follow_ups=[FollowUpIn("Sửa đổi tiêu chí", world.btg, date(2018, 9, 30)),
                    FollowUpIn("Góp ý tiêu chí", world.bdv)],
    )  # fmt: skip
    assert matter.state == Matter.State.DIRECTED and matter.follow_ups.count() == 2
    with pytest.raises(TransitionRefused):
        actions.do_record_direction(matter, by=world.coordinator, number="1-TB/TU",
                                    issued_on=date(2018, 6, 2), text="Lần hai")  # fmt: skip
    first, second = matter.follow_ups.order_by("pk")
    with pytest.raises(ValidationError):
        actions.do_close_follow_up(first, by=world.coordinator, note="")
    actions.do_close_follow_up(first, by=world.coordinator, note="Đã trình Quy định sửa đổi")
    matter.refresh_from_db()
    assert matter.state == Matter.State.DIRECTED
    with pytest.raises(TransitionRefused):
        actions.do_close_follow_up(first, by=world.coordinator, note="Lần hai")
    actions.do_close_follow_up(second, by=world.agency, note="Đã góp ý")
    matter.refresh_from_db()
    assert matter.state == Matter.State.DONE


def test_refusals(world, matter):
    with pytest.raises(ValidationError) as error:
        actions.do_record_direction(matter, by=world.coordinator, number=" ",
                                    issued_on=date(2018, 5, 1), text="")  # fmt: skip
    assert {"number", "text", "issued_on"} <= set(error.value.message_dict)
    with pytest.raises(Stale):
        actions.do_record_direction(matter, by=world.coordinator, number="1-TB/TU",
                                    issued_on=date(2018, 6, 1), text="X", version=99)  # fmt: skip
    with pytest.raises(ValidationError):
        actions.do_raise_matter(world.province, raised_by=world.btg, by=world.coordinator,
                                title=" ")  # fmt: skip


def test_access(world, matter):
    assert access.access_matter(world.coordinator, matter.pk, "change") == matter
    assert access.access_matter(world.viewer, matter.pk) == matter
    with pytest.raises(PermissionDenied):
        access.access_matter(world.viewer, matter.pk, "change")
    for user in (world.agency, world.commune, world.outsider):
        with pytest.raises(Http404):
            access.access_matter(user, matter.pk)
    actions.do_record_direction(matter, by=world.coordinator, number="1-TB/TU",
                                issued_on=date(2018, 6, 1), text="Giao BDV",
                                follow_ups=[FollowUpIn("Làm", world.bdv)])  # fmt: skip
    agency = type(world.agency).objects.get(pk=world.agency.pk)
    assert access.access_matter(agency, matter.pk) == matter  # assigned a follow-up
    item = matter.follow_ups.get()
    assert access.access_follow_up(agency, item.pk, "close") == item
    assert list(access.visible_matters(agency)) == [matter]
    assert list(access.visible_matters(world.commune)) == []


def test_api(client, world):
    client.force_login(world.coordinator)
    response = client.post("/api/v1/directions", {"title": "Mở lớp trung cấp lý luận chính trị",
                           "raised_on": "2018-05-10"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "awaiting" and body["committee"]["name"] == "Tỉnh ủy Thử nghiệm"
    mid = body["id"]
    response = client.post(f"/api/v1/directions/{mid}/direction", {
        "version": body["version"], "number": "270-TB/TU", "issued_on": "2018-06-05",
        "text": "Đồng ý mở lớp tại huyện Si Ma Cai.",
        "follow_ups": [{"text": "Mở lớp", "unit": world.district1.pk, "deadline": "2018-09-01"}],
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["follow_ups"][0]["unit"]["name"] == "Huyện ủy Một"
    fid = response.json()["follow_ups"][0]["id"]
    assert client.get("/api/v1/directions").json()["count"] == 1
    client.force_login(world.agency)
    assert client.get(f"/api/v1/directions/{mid}").status_code == 404
    assert client.post("/api/v1/directions", {"title": "X"},
                       content_type="application/json").status_code == 422  # fmt: skip
    client.force_login(world.district)
    response = client.post(f"/api/v1/directions/follow-ups/{fid}/close", {"note": "Đã mở lớp"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["state"] == "done"
    # Another follow-up reopens the carried-out matter; a stale version is refused (409).
    client.force_login(world.coordinator)
    version = client.get(f"/api/v1/directions/{mid}").json()["version"]
    url = f"/api/v1/directions/{mid}/follow-ups"
    body = {"text": "Tổng kết lớp học", "unit": world.district1.pk, "version": version}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "directed" and len(response.json()["follow_ups"]) == 2
    assert client.post(url, body, content_type="application/json").status_code == 409
    body = {"text": "Sớm", "unit": world.district1.pk, "deadline": "2018-06-01"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 422 and "deadline" in str(response.json())
    client.force_login(world.viewer)
    body = {"text": "X", "unit": world.district1.pk}
    assert client.post(url, body, content_type="application/json").status_code == 403


def test_list_queries_are_constant(client, world, django_assert_max_num_queries):
    client.force_login(world.coordinator)
    for n in range(3):
        m = actions.do_raise_matter(world.province, raised_by=world.btg, by=world.coordinator,
                                    title=f"Vấn đề {n}")  # fmt: skip
        actions.do_record_direction(m, by=world.coordinator, number=f"{n}-TB/TU",
                                    issued_on=date.today(), text="Giao",
                                    follow_ups=[FollowUpIn("Làm", world.bdv)])  # fmt: skip
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/directions").json()["count"] == 3


def test_consolidated_report_lists_open_matters(world, matter):
    from docx import Document

    from theodoi.reporting.consolidation import render
    from theodoi.reporting.models import ReportingPeriod
    from theodoi.testing import make_plan

    plan = make_plan(world)
    period = ReportingPeriod.objects.create(plan=plan, kind="half", code="2018-H1", title="6 tháng",
                                            start=date(2018, 1, 1), end=date(2018, 6, 30),
                                            due=date(2018, 7, 10))  # fmt: skip
    other = actions.do_raise_matter(world.province, raised_by=world.district1,
                                    by=world.coordinator, raised_on=date(2018, 4, 2),
                                    title="Một cán bộ kiêm hai chức danh")  # fmt: skip
    actions.do_record_direction(other, by=world.coordinator, number="255-TB/TU",
                                issued_on=date(2018, 5, 2), text="Thí điểm tại hai huyện",
                                follow_ups=[FollowUpIn("Xây dựng đề án thí điểm",
                                                       world.district1)])  # fmt: skip
    doc = Document(io.BytesIO(render(period, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "V. CÁC NỘI DUNG XIN Ý KIẾN CHỈ ĐẠO CỦA THƯỜNG TRỰC" in text
    assert "tuyên vận (Ban Tuyên giáo Tỉnh ủy đề xuất ngày 10/05/2018" in text
    assert "Thí điểm tại hai huyện (Văn bản số 255-TB/TU ngày 02/05/2018)" in text
    assert "+ Huyện ủy Một: Xây dựng đề án thí điểm." in text
    # The directions not carried out are also the next period's tasks (Part VI).
    outlook = text[text.index("VI. PHƯƠNG HƯỚNG, NHIỆM VỤ") : text.index("VII. KIẾN NGHỊ")]
    assert "Thực hiện các ý kiến chỉ đạo của Thường trực Tỉnh ủy chưa hoàn thành" in outlook
    assert "Một cán bộ kiêm hai chức danh (Văn bản số 255-TB/TU)." in outlook
