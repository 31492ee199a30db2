import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from theodoi.intake.models import StagedImport
from theodoi.plans.models import WorkItem

from .conftest import workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ROWS = [
    ["STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm"],
    ["I", "Tuyên truyền", None, None, None, None],
    ["1", "Hội nghị báo cáo viên", "BTG", "Sở TT&TT", "Hằng tháng", "Hội nghị"],
    ["2", "Chuyên mục trên báo", "Ban Tuyen giao", "Ban Khong Co", "Quý V", "Chuyên mục"],
]


def login(client, user):
    client.force_login(user)


def upload(client, plan, data, name="bang.xlsx"):
    url = reverse("intake:plan-upload", args=[plan.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_upload_review_fix_and_commit(client, world, plan):
    login(client, world.coordinator)
    response = upload(client, plan, workbook(ROWS))
    staged = StagedImport.objects.get()
    assert response.status_code == 302 and response.url == staged.get_absolute_url()
    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "No unit “Ban Khong Co” in this province." in text
    assert "“Quý V” is not a time frame" in text
    assert not WorkItem.objects.exists()
    index = next(i for i, r in enumerate(staged.grid["rows"]) if r[1] == "Chuyên mục trên báo")
    response = client.post(
        staged.get_absolute_url(),
        {"action": "fix", f"c{index}-coordinating": "BDV", f"c{index}-time": "Quý II"},
    )
    assert response.status_code == 302
    assert not WorkItem.objects.exists()
    refused = client.post(staged.get_absolute_url(), {"action": "commit", "reason": ""})
    assert refused.status_code == 422 and not WorkItem.objects.exists()
    response = client.post(staged.get_absolute_url(), {"action": "commit", "reason": "Bảng tay"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert WorkItem.objects.filter(task__plan=plan).count() == 2
    item = WorkItem.objects.get(title="Chuyên mục trên báo")
    assert item.time_frame == "Quý II"
    staged.refresh_from_db()
    assert staged.state == "committed" and staged.committed_by == world.coordinator


def test_a_renamed_file_is_refused_with_a_message(client, world, plan):
    login(client, world.coordinator)
    response = upload(client, plan, b"%PDF-1.4 not a workbook", name="bang.xlsx")
    assert response.status_code == 422
    assert "This file is named .xlsx but it is a PDF" in response.content.decode()
    assert not StagedImport.objects.exists()


def test_another_provinces_coordinator_cannot_see_the_review(client, world, plan):
    login(client, world.coordinator)
    upload(client, plan, workbook(ROWS))
    staged = StagedImport.objects.get()
    client.logout()
    login(client, world.outsider)
    assert client.get(staged.get_absolute_url()).status_code == 404
    login(client, world.agency)
    assert client.get(staged.get_absolute_url()).status_code == 404


def test_a_row_is_read_again_as_the_user_says(client, world, plan):
    login(client, world.coordinator)
    upload(client, plan, workbook(ROWS))
    staged = StagedImport.objects.get()
    rows = staged.grid["rows"]
    index = next(i for i, r in enumerate(rows) if r[1] == "Chuyên mục trên báo")
    page = client.get(f"{staged.get_absolute_url()}?edit=2")
    assert page.content.decode().count("<h1>") == 1
    client.post(staged.get_absolute_url(), {"action": "fix", f"k{index}": "skip"})
    from theodoi.intake.review import understand

    staged.refresh_from_db()
    review = understand(staged)
    assert review.rows[index].kind == "skip" and review.problem_count == 0
    client.post(staged.get_absolute_url(), {"action": "commit", "reason": "Bỏ dòng sai"})
    assert WorkItem.objects.get().title == "Hội nghị báo cáo viên"


def test_the_review_page_in_vietnamese(client, world, plan, settings):
    login(client, world.coordinator)
    upload(client, plan, workbook(ROWS))
    staged = StagedImport.objects.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    text = client.get(staged.get_absolute_url(), headers={"accept-language": "vi"}).content.decode()
    assert "Không có đơn vị “Ban Khong Co” trong tỉnh này." in text
    assert "Ghi vào hệ thống" in text


def test_discarding_writes_nothing(client, world, plan):
    login(client, world.coordinator)
    upload(client, plan, workbook(ROWS))
    staged = StagedImport.objects.get()
    response = client.post(staged.get_absolute_url(), {"action": "discard"})
    assert response.status_code == 302
    staged.refresh_from_db()
    assert staged.state == "discarded" and not WorkItem.objects.exists()
    again = client.post(staged.get_absolute_url(), {"action": "commit", "reason": "x"})
    assert again.status_code == 302 and not WorkItem.objects.exists()
