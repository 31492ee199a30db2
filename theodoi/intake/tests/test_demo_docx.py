"""The issued 112-KH/TU as a Word document, imported into an empty plan: the same matrix."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from theodoi.intake import review as rv
from theodoi.intake.plan_docx import plan_docx
from theodoi.intake.reader import read_upload
from theodoi.plans.matrix import build_matrix
from theodoi.plans.models import Plan, WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-test-password")
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")
    with override_settings(
        DATA_DIR=tmp_path,
        THEODOI_DEMO=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        call_command("load_demo", stdout=StringIO())
        yield Plan.objects.get(number="112-KH/TU")


def _counts(plan):
    return {
        row.unit.key: (
            row.tasks_led,
            row.tasks_coordinated,
            row.work_items_led,
            row.work_items_coordinated,
        )
        for row in build_matrix(plan).rows
    }


def test_the_issued_docx_imports_into_an_empty_plan_with_the_same_matrix(demo):
    from django.contrib.auth.models import User

    data = plan_docx(demo)
    fmt, grid = read_upload("112-KH-TU.docx", data)
    assert fmt == "docx"
    assert grid["meta"]["number"] == "112-KH/TU"
    assert grid["meta"]["issued_on"] == "2018-01-05"
    assert grid["meta"]["issuer_lines"] == ["TỈNH ỦY LÀO CAI"]
    assert grid["vmerged"] and grid["spans"]  # merged cells, both ways
    empty = Plan.objects.create(
        programme=demo.programme,
        number="112b-KH/TU",
        issued_on=demo.issued_on,
        year=demo.year,
        title="Kế hoạch trống",
        issuer=demo.issuer,
        owner=demo.owner,
    )
    coordinator = User.objects.get(username="coordinator")
    staged = rv.stage(empty, "112-KH-TU.docx", grid, fmt, by=coordinator)
    staged.apply_meta = False
    staged.save()
    review = rv.understand(staged)
    assert review.problem_count == 0, [
        (r.source, r.title, r.problems, r.asked) for r in review.rows if not r.ok
    ][:5]
    rv.commit(staged, by=coordinator, reason="Nhập Kế hoạch 112-KH/TU đã ban hành")
    assert empty.fields.count() == demo.fields.count()
    assert empty.tasks.count() == demo.tasks.count()
    assert (
        WorkItem.objects.filter(task__plan=empty).count()
        == WorkItem.objects.filter(task__plan=demo).count()
    )
    assert _counts(empty) == _counts(demo)
    originals = {w.title: (w.start, w.end) for w in WorkItem.objects.filter(task__plan=demo)}
    for item in WorkItem.objects.filter(task__plan=empty):
        assert (item.start, item.end) == originals[item.title], item.time_frame
        assert item.time_frame
