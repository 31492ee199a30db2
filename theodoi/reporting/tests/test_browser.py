"""The reporting loop in Chromium: fill, submit, return, fix, resubmit, accept, download."""

import os

import pytest

from theodoi.reporting.models import ProgressReport
from theodoi.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # decisions ask for confirmation
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def test_report_loop(page, live_server, setup):
    base = live_server.url
    w = setup.world
    i1, i2 = setup.item1.pk, setup.item2.pk
    _sign_in(page, base, "agency")
    page.goto(f"{base}/reporting/")
    page.click("text=Bắt đầu báo cáo >> nth=0")
    report = ProgressReport.objects.get(unit=w.bdv)
    assert page.url.endswith(f"/reporting/reports/{report.pk}/")
    entry = report.entries.get(work_item=setup.item1)
    page.set_input_files(
        f"#file-{entry.pk}",
        files=[
            {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        ],
    )
    page.click(f"button[form=ev-{entry.pk}]")
    page.wait_for_selector("a:has-text('bien-ban.pdf')")
    page.select_option(f"[name=e{i1}-status]", "done_on_time")
    page.fill(f"[name=e{i1}-percent]", "100")
    page.fill(f"[name=e{i1}-results]", "Đã tổ chức 5 hội nghị quán triệt.")
    page.select_option(f"[name=e{i2}-status]", "in_progress")
    page.fill(f"[name=e{i2}-percent]", "40")
    page.fill(f"[name=e{i2}-results]", "Đang tổ chức.")
    page.locator(f"[name=e{i2}-results]").blur()
    page.wait_for_selector("#save-status[data-saved='1']")
    page.click("button[value=submit]")
    page.wait_for_selector("text=Đã gửi báo cáo.")

    _sign_in(page, base, "coordinator")
    page.goto(f"{base}/reporting/reports/{report.pk}/")
    page.fill("form[action$='/return/'] textarea[name=comment]", "Bổ sung số lượt người dự.")
    page.click("text=Trả lại để sửa")
    page.wait_for_selector("text=Bổ sung số lượt người dự.")

    _sign_in(page, base, "agency")
    page.goto(f"{base}/reporting/reports/{report.pk}/")
    page.fill(f"[name=e{i1}-results]", "Đã tổ chức 5 hội nghị với 1.200 lượt người dự.")
    page.click("button[value=submit]")
    page.wait_for_selector("text=Đã gửi báo cáo.")

    _sign_in(page, base, "coordinator")
    page.goto(f"{base}/reporting/reports/{report.pk}/")
    page.click("form[action$='/accept/'] button")
    page.wait_for_selector(".badge.s-accepted")
    page.goto(f"{base}/reporting/periods/{setup.h1.pk}/")
    page.fill("[name=number]", "15-BC/BTGTU")
    page.click("text=Lập báo cáo tổng hợp")
    with page.expect_download() as download:
        page.click("text=Tải về")
    path = download.value.path()
    from docx import Document

    doc = Document(path)
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Số 15-BC/BTGTU" in text
    assert ProgressReport.objects.get(pk=report.pk).state == "accepted"


def test_typing_survives_a_dropped_connection(page, live_server, setup):
    from theodoi.reporting import actions

    base = live_server.url
    report = actions.do_start_report(setup.h1, setup.world.bdv)
    field = f"[name=e{setup.item1.pk}-results]"
    url = f"{base}/reporting/reports/{report.pk}/"
    _sign_in(page, base, "agency")
    page.goto(url)

    def drop_posts(route):
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    page.route(url, drop_posts)
    page.fill(field, "Nội dung gõ khi mất mạng")
    page.locator(field).blur()
    page.wait_for_selector("#save-status.bad")
    assert "Mất kết nối" in page.inner_text("#save-status")
    page.unroute(url)
    page.goto(url)
    assert page.input_value(field) == ""
    page.click("button.restore-draft")
    assert page.input_value(field) == "Nội dung gõ khi mất mạng"
    page.wait_for_selector("#save-status[data-saved='1']")
    entry = report.entries.get(work_item=setup.item1)
    assert entry.results == "Nội dung gõ khi mất mạng"
