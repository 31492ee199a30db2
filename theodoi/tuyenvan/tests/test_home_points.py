"""Issue 8's points 7 and 10 and the district's bulk approval (built by the home helper)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan import actions
from theodoi.tuyenvan.models import Criterion, MonthlyResult, ScoreSheet, Submission

from .helpers import MONTH, fill, hold_meeting, send

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def _month_url(world, commune=None, suffix=""):
    commune = commune or world.commune1a
    return f"/tuyenvan/communes/{commune.pk}/2018-03/{suffix}"


# -- point 7: the month page names what is missing ---------------------------------


def test_a_month_with_its_report_sent_names_the_documents_as_missing(client, tv):
    """The report sent (and opened) before the due date, the documents never: the
    page and the board say the documents are not sent, never "report not sent"."""
    report = send(tv.commune1a, Submission.Kind.REPORT, 17)
    report.opened_at = report.sent_at
    report.save()
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    result = MonthlyResult.objects.get(commune=tv.commune1a, month=MONTH)
    assert (result.reports_missing, result.reports_late) == (1, 0)
    client.force_login(tv.district)
    page = client.get(_month_url(tv)).content.decode()
    expected = page[page.index("expected") :]
    assert "Báo cáo tháng:" in expected and "gửi ngày 17/03/2018" in expected
    assert "Tài liệu liên quan:" in expected and "chưa gửi (hạn" in expected
    board = client.get("/tuyenvan/?month=2018-03").content.decode()
    row = board[board.index("Xã Một A") : board.index("Xã Một B")]
    assert "chưa gửi báo cáo" not in row
    assert "chưa gửi: Tài liệu liên quan" in row


def test_both_sent_on_time_leave_nothing_missing(client, tv):
    send(tv.commune1a, Submission.Kind.REPORT, 17)
    send(tv.commune1a, Submission.Kind.DOCUMENTS, 18, to=tv.btg)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    client.force_login(tv.district)
    page = client.get(_month_url(tv)).content.decode()
    assert "chưa gửi (hạn" not in page
    board = client.get("/tuyenvan/?month=2018-03").content.decode()
    assert "chưa gửi:" not in board[board.index("Xã Một A") : board.index("Xã Một B")]


# -- point 10: the approval and the explanation window -----------------------------


def _ready(tv, commune):
    hold_meeting(commune, tv.commune)
    fill(commune, S.DISTRICT, tv.district)
    return actions.appeal_window(commune, MONTH)


def test_approving_inside_the_window_is_refused_unless_confirmed(client, tv):
    opens, closes = _ready(tv, tv.commune1a)
    assert opens == date(2018, 4, 2) and closes > opens
    client.force_login(tv.district)
    page = client.get(_month_url(tv)).content.decode()
    assert (
        "đang mở đến hết ngày " + closes.strftime("%d/%m/%Y") in page
        and 'name="close_window"' in page
    )
    client.post(_month_url(tv, suffix="approve/"))
    assert MonthlyResult.objects.get(commune=tv.commune1a).status == "open"
    # The commune can still explain.
    c51 = Criterion.objects.get(code="5.1")
    client.force_login(tv.commune)
    appealed = client.post(_month_url(tv, suffix=f"appeal/{c51.pk}/"), {"text": "Có biên bản"})
    assert appealed.status_code == 302
    assert "đang mở" in client.get(_month_url(tv, suffix="explain/")).content.decode()


def test_approving_after_the_window_needs_no_confirmation(tv, monkeypatch):
    _opens, closes = _ready(tv, tv.commune1a)
    after = (closes + timedelta(days=1)).isoformat()
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", after)
    result = actions.do_approve_month(tv.commune1a, MONTH, by=tv.district)
    assert result.status == "approved"


def test_a_confirmed_approval_closes_the_window(tv):
    _ready(tv, tv.commune1a)
    with pytest.raises(ValidationError, match=r"close_window"):
        actions.do_approve_month(tv.commune1a, MONTH, by=tv.district)
    result = actions.do_approve_month(tv.commune1a, MONTH, by=tv.district, close_window=True)
    assert result.status == "approved"


# -- bulk approval --------------------------------------------------------------------


def test_bulk_approval_shows_each_rows_result(client, tv):
    _ready(tv, tv.commune1a)  # ready, window open
    hold_meeting(tv.commune1b, tv.commune)  # district's sheet missing: refused
    client.force_login(tv.district)
    url = "/tuyenvan/approve/2018-03/"
    page = client.get(url).content.decode()
    assert "Xã Một A" in page and "Xã Một B" in page and "Xã Hai A" not in page
    response = client.post(
        url, {"commune": [tv.commune1a.pk, tv.commune1b.pk], "close_window": "1"}
    )
    page = response.content.decode()
    assert MonthlyResult.objects.get(commune=tv.commune1a, month=MONTH).status == "approved"
    assert MonthlyResult.objects.get(commune=tv.commune1b, month=MONTH).status == "open"
    assert 'class="row-ok"' in page and 'class="row-bad"' in page
    assert "1 xã đã duyệt" in page


def test_bulk_approval_without_confirmation_refuses_open_windows(client, tv):
    _ready(tv, tv.commune1a)
    client.force_login(tv.district)
    client.post("/tuyenvan/approve/2018-03/", {"commune": [tv.commune1a.pk]})
    assert MonthlyResult.objects.get(commune=tv.commune1a, month=MONTH).status == "open"


@pytest.mark.parametrize("who", ["commune", "coordinator", "viewer", "outsider"])
def test_only_district_scorers_approve_in_bulk(client, tv, who):
    _ready(tv, tv.commune1a)
    client.force_login(getattr(tv, who))
    page = client.post(
        "/tuyenvan/approve/2018-03/", {"commune": [tv.commune1a.pk], "close_window": "1"}
    )
    assert page.status_code == 200
    assert MonthlyResult.objects.get(commune=tv.commune1a, month=MONTH).status == "open"


# -- rankings: a period picker, and provisional marks ------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [("06/2018", "2018-06"), ("6/2018", "2018-06"), ("6-2018", "2018-06"),
     ("Q2/2018", "2018-Q2"), ("Quý 2/2018", "2018-Q2"), ("2018-Q2", "2018-Q2"), ("2018", "2018")],
)  # fmt: skip
def test_a_period_written_as_people_write_it_is_read(written, key):
    from theodoi.tuyenvan.views.rankings import normalize_period

    assert normalize_period(written) == key


def test_rankings_take_06_2018_and_mark_open_months_provisional(client, tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    client.force_login(tv.coordinator)
    page = client.get("/tuyenvan/rankings/", {"period": "03/2018"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<select id="r-period" name="period">' in html
    assert '<option value="2018-03" selected>' in html
    assert "tạm tính" in html  # March is open
    MonthlyResult.objects.filter(month=MONTH).update(status=MonthlyResult.Status.CLOSED)
    html = client.get("/tuyenvan/rankings/", {"period": "2018-03"}).content.decode()
    assert "tạm tính" not in html
    # The picker offers only periods; a typed "6/2018" is read, not refused.
    assert client.get("/tuyenvan/rankings/", {"period": "6/2018"}).status_code == 200


def test_the_missing_self_assessment_badge_is_a_link_for_the_commune(client, tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    assert "self" in MonthlyResult.objects.get(commune=tv.commune1a).missing_sources
    sheet = _month_url(tv, suffix="sheet/self/")
    client.force_login(tv.commune)
    page = client.get(_month_url(tv)).content.decode()
    assert f'<a class="badge s-missing" href="{sheet}">' in page
    client.force_login(tv.viewer)  # who cannot fill it reads a badge, not a link
    page = client.get(_month_url(tv)).content.decode()
    assert f'href="{sheet}"' not in page and "s-missing" in page


# -- the board's badges lead to where each is put right -----------------------------


def _board_row(page: str, name: str) -> str:
    row = page[page.index(f">{name}</a>") :]
    return row[: row.index("</tr>")]


def test_the_boards_badges_are_links_for_who_may_act(client, tv):
    """The commune's missing self-assessment, the district's missing sheet, an
    unrecorded conference, documents not sent and open flags: each a link to the
    page where it is done, for who may do it there; plain text for the others."""
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    fill(tv.commune1a, S.DISTRICT, tv.district, _5_1=Decimal(6))
    fill(tv.commune1a, S.SELF, tv.commune, submit=True)
    result = MonthlyResult.objects.get(commune=tv.commune1a, month=MONTH)
    assert "official" in result.missing_sources and result.open_flags
    from theodoi.tuyenvan import scoring

    scoring.recompute(tv.commune1b, MONTH)
    b = MonthlyResult.objects.get(commune=tv.commune1b, month=MONTH)
    assert {"self", "district"} <= set(b.missing_sources) and not b.meeting_held
    m1a = _month_url(tv)
    m1b = _month_url(tv, tv.commune1b)

    client.force_login(tv.commune)  # commune 1A's reporter
    page = client.get("/tuyenvan/?month=2018-03").content.decode()
    row = _board_row(page, "Xã Một A")
    assert f'href="{m1a}send/"' in row  # the reports not sent
    assert f'href="{m1a}explain/"' not in row  # flags are the district's to resolve
    assert 'class="badge flag"' in row

    client.force_login(tv.district)
    page = client.get("/tuyenvan/?month=2018-03").content.decode()
    row_a, row_b = _board_row(page, "Xã Một A"), _board_row(page, "Xã Một B")
    assert f'<a class="badge flag" href="{m1a}explain/">' in row_a
    assert f'<a class="badge s-missing" href="{m1b}sheet/district/">' in row_b
    # Not the district's to fill or send: plain badges.
    assert f'href="{m1b}sheet/self/"' not in row_b and "Xã tự chấm" in row_b
    assert f'href="{m1b}meeting/"' not in row_b and f'href="{m1b}send/"' not in row_b
    assert f'href="{m1a}sheet/official/"' not in row_a

    client.force_login(tv.official)  # attends 1A's conference: its own sheet
    page = client.get("/tuyenvan/?month=2018-03").content.decode()
    assert f'<a class="badge s-missing" href="{m1a}sheet/official/">' in page

    client.force_login(tv.viewer)
    page = client.get("/tuyenvan/?month=2018-03").content.decode()
    assert "s-missing" in page and '<a class="badge' not in page


def test_the_boards_links_agree_with_the_rules(tv):
    """``board_actions`` (one pass for a whole board) says what the permission
    rules say, object by object, for every account and commune of the world."""
    from theodoi.permissions import tuyenvan as access
    from theodoi.tuyenvan.models import CommuneMonth, ScoreSheet

    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    fill(tv.commune1a, S.DISTRICT, tv.district)
    actions.do_approve_month(tv.commune1a, MONTH, by=tv.district, close_window=True)
    communes = [tv.commune1a, tv.commune1b, tv.commune2a]
    results = {r.commune_id: r for r in MonthlyResult.objects.filter(month=MONTH)}
    assert results[tv.commune1a.pk].status == MonthlyResult.Status.APPROVED
    for who in ["commune", "district", "coordinator", "viewer", "official", "agency",
                "outsider"]:  # fmt: skip
        user = getattr(tv, who)
        can = access.board_actions(user, MONTH, results, [c.pk for c in communes])
        for commune in communes:
            cm = CommuneMonth(commune, MONTH)

            def sheet(source, official=None, commune=commune):
                return ScoreSheet(commune=commune, month=MONTH, source=source, official=official)

            expected = {
                "self": user.has_perm("tuyenvan.change_sheet", sheet(S.SELF)),
                "district": user.has_perm("tuyenvan.change_sheet", sheet(S.DISTRICT)),
                "official": user.has_perm("tuyenvan.change_sheet", sheet(S.OFFICIAL, user)),
                "meeting": user.has_perm("tuyenvan.change_meeting", cm),
                "send": user.has_perm("tuyenvan.send_submission", cm),
                "resolve": user.has_perm("tuyenvan.resolve_flag", cm),
            }
            # "resolve" also leads to the appeals to answer: the same rule.
            assert user.has_perm("tuyenvan.answer_appeal", cm) == expected["resolve"]
            assert can[commune.pk] == {k for k, v in expected.items() if v}, (who, commune)


@pytest.mark.parametrize("extra", [0, 6])
def test_the_board_takes_a_constant_number_of_queries(
    client, tv, extra, django_assert_max_num_queries
):
    from theodoi.testing import make_unit
    from theodoi.units.models import Unit

    for i in range(extra):
        make_unit(f"Xã Thêm {i}", Unit.Kind.COMMUNE, tv.district1)
    client.force_login(tv.district)
    client.get("/tuyenvan/?month=2018-03")  # warm the session and caches
    # 17 with the communes the user scores under the month's chain (one query).
    with django_assert_max_num_queries(17):
        page = client.get("/tuyenvan/?month=2018-03")
    assert page.status_code == 200


def test_the_boards_district_decisions_ask_first_naming_what_happens(client, tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    client.force_login(tv.coordinator)
    page = client.get("/tuyenvan/?month=2018-03").content.decode()
    buttons = re.findall(r'<form method="post" action="([^"]+)">.*?<button([^>]*)>', page, re.S)
    decisions = {url: attrs for url, attrs in buttons if url.endswith(("/accept/", "/close/"))}
    assert len(decisions) == 4  # two districts, accept and close
    one = f"/tuyenvan/districts/{tv.district1.pk}/2018-03/"
    assert 'data-confirm="Chấp nhận tháng 03/2018 của Huyện ủy Một?' in decisions[one + "accept/"]
    assert (
        'data-confirm="Khóa sổ tháng 03/2018 cho các xã của Huyện ủy Một?'
        in (decisions[one + "close/"])
    )


def test_a_waiting_appeal_is_said_on_the_board_and_the_month_page(client, tv):
    """As the district's home says it: on the board and the month page, a link
    to the explanation page for the district's scorer, plain text for others."""
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.SELF, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district, _2_1=Decimal(5))
    c21 = Criterion.objects.get(code="2.1")
    actions.do_file_appeal(tv.commune1a, MONTH, c21, text="Xã đã tổ chức đủ", by=tv.commune)
    explain = _month_url(tv, suffix="explain/")
    client.force_login(tv.district)
    row = _board_row(client.get("/tuyenvan/?month=2018-03").content.decode(), "Xã Một A")
    assert f'<a class="badge flag" href="{explain}">1 giải trình chờ trả lời ›</a>' in row
    page = client.get(_month_url(tv)).content.decode()
    assert f'<a class="badge flag" href="{explain}">1 giải trình chờ trả lời ›</a>' in page
    client.force_login(tv.viewer)
    row = _board_row(client.get("/tuyenvan/?month=2018-03").content.decode(), "Xã Một A")
    assert '<span class="badge flag">1 giải trình chờ trả lời</span>' in row
    page = client.get(_month_url(tv)).content.decode()
    assert '<span class="badge flag">1 giải trình chờ trả lời</span>' in page
