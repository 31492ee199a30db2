"""The import with a review step at size: a 2,000-row hand-made table read, reviewed and committed.

    python -m bench.bench_intake [--rows 2000] [--runs 5]

Self-contained: a fresh data folder in bench/out/intake-data (SQLite, migrated)
unless DATABASE_URL is set (then that database, e.g. PostgreSQL; it must be
empty of theodoi data or a scratch database). It builds the test world (a
province with its agencies and district committees), a table the way people make
one (title rows, Roman-numbered fields, numbered tasks, items "1.1"…, units
written as abbreviations, names without diacritics and groups, time frames in
words, a merged title cell per field, a note below) and measures, per run on a
fresh empty plan: reading the file, staging it, understanding every row (the
review), the review page as the coordinator gets it (all rows, and only the
rows with problems), and the commit (all rows in one transaction). Prints a
Markdown table: median wall time, queries, page size.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

LEADS = ["BTG", "Ban Dân vận", "Ban Tuyen giao", "BDV", "Sở TT&TT", "Các huyện ủy, thành ủy"]
COORDINATING = ["MTTQ tỉnh, các đoàn thể", "Tỉnh đoàn", "Hội Nông dân", "", "MTTQ tỉnh"]
TIMES = ["Quý I/2018", "6 tháng đầu năm", "Cả năm", "Trước 30/6/2018", "Tháng 3-4/2018",
         "Thường xuyên", "Quý III", "6 tháng cuối năm"]  # fmt: skip
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def table(rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2018"])
    ws.append([])
    ws.append(
        ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian", "Sản phẩm"]
    )
    items = 0
    field = task = 0
    while items < rows:
        field += 1
        ws.append([f"{ROMAN[(field - 1) % 10]}.", f"LĨNH VỰC {field}"])
        ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=6)
        for t in range(1, 6):
            task += 1
            ws.append([f"{t}.", f"Nhiệm vụ {task} của lĩnh vực {field}"])
            for i in range(1, 9):
                if items >= rows:
                    break
                items += 1
                ws.append([
                    f"{t}.{i}", f"Công việc {items}: tổ chức hội nghị, tuyên truyền",
                    LEADS[items % len(LEADS)], COORDINATING[items % len(COORDINATING)],
                    TIMES[items % len(TIMES)], "Báo cáo",
                ])  # fmt: skip
    ws.append([])
    ws.append(["Ghi chú: các đơn vị báo cáo kết quả trước 15/12/2018."])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not os.getenv("DATABASE_URL"):
        data = OUT / "intake-data"
        if data.exists():
            for f in data.glob("theodoi.sqlite3*"):
                f.unlink()
        data.mkdir(parents=True, exist_ok=True)
        os.environ["THEODOI_DATA"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    # Pages render without collected static files (no manifest here).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    from theodoi.intake import review as rv
    from theodoi.intake.reader import read_upload
    from theodoi.plans.models import Plan, WorkItem
    from theodoi.testing import make_plan, make_unit, make_world
    from theodoi.units.models import Unit

    world = make_world()
    K = Unit.Kind
    make_unit(
        "Ủy ban MTTQ Việt Nam tỉnh", K.MASS_ORGANISATION, world.province, short_name="MTTQ tỉnh"
    )
    make_unit("Tỉnh đoàn", K.MASS_ORGANISATION, world.province)
    make_unit("Hội Nông dân tỉnh", K.MASS_ORGANISATION, world.province)
    data = table(args.rows)
    client = Client()
    client.force_login(world.coordinator)
    measures: dict[str, list[tuple[float, int, int]]] = {}

    def measure(name, func, size=lambda r: 0):
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            began, cpu = time.perf_counter(), time.process_time()
            result = func()
            elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        measures.setdefault(name, []).append(
            (elapsed * 1000, len(queries), size(result), cpu * 1000)
        )
        return result

    for run in range(args.runs):
        plan = make_plan(world, number=f"{900 + run}-KH/TU")
        fmt, grid = measure(
            "Read the XLSX (openpyxl, values and formulas)", lambda: read_upload("b.xlsx", data)
        )
        staged = measure(
            "Stage it (columns guessed, one row written)",
            lambda: rv.stage(plan, "b.xlsx", grid, fmt, by=world.coordinator),  # noqa: B023
        )
        review = measure("Understand every row (the review)", lambda: rv.understand(staged))  # noqa: B023
        assert review.problem_count == 0, review.problem_count
        url = staged.get_absolute_url()
        measure("Review page, every row", lambda: client.get(url), lambda r: len(r.content))  # noqa: B023
        measure(
            "Review page, rows with problems only",
            lambda: client.get(url + "?show=problems"),  # noqa: B023
            lambda r: len(r.content),
        )
        measure(
            "Commit (everything checked again, one transaction)",
            lambda: rv.commit(staged, by=world.coordinator, reason="bench"),  # noqa: B023
        )
        assert WorkItem.objects.filter(task__plan=plan).count() == args.rows
    items = WorkItem.objects.filter(task__plan=Plan.objects.latest("pk")).count()
    print(f"\n### Import with review: {args.rows} rows ({items} work items), {args.runs} runs, "
          f"{connection.vendor}\n")  # fmt: skip
    print("| Step | Median ms | Min ms | CPU ms (median) | Queries | KB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, values in measures.items():
        times = [v[0] for v in values]
        cpu = statistics.median(v[3] for v in values)
        print(
            f"| {name} | {statistics.median(times):.0f} | {min(times):.0f} | {cpu:.0f} | "
            f"{values[-1][1]} | {values[-1][2] / 1024:.0f} |"
        )
    print(f"\nLoad average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
