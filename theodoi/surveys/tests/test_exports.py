"""Raw answers as CSV/XLSX for the staff, and a point's poster with its QR code."""

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from .factories import GOOD, make_survey, point_of, submit

pytestmark = pytest.mark.django_db


def test_raw_answers_one_row_per_response_one_column_per_question(client, world):
    survey = make_survey(world)
    submit(survey)
    submit(
        survey,
        {**GOOD, "q_uses": ["taxi"], "q_origin": "other", "q_origin_other": "Lào"},
        flags={"duplicate"},
    )
    client.force_login(world.viewer)
    response = client.get(f"/surveys/{survey.pk}/answers.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    codes = rows[0]
    assert len(rows) == 4  # codes, labels, two responses
    first, second = (dict(zip(codes, row, strict=True)) for row in rows[2:])
    assert first["services.hotel"] == "5.0" and first["services.prices"] == "2.0"
    assert (first["uses.bus"], first["uses.taxi"], first["uses.other"]) == ("1", "0", "1")
    assert first["uses.other_text"] == "Motorbike"
    assert first["counted"] == "1" and second["counted"] == "0"
    assert second["origin"] == "other" and second["origin.other_text"] == "Lào"
    assert second["flags"] == "duplicate"
    xlsx = client.get(f"/surveys/{survey.pk}/answers.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 4
    assert client.get(f"/surveys/{survey.pk}/answers.pdf").status_code == 404


def test_raw_answers_are_for_staff_only(client, world):
    survey = make_survey(world, state="published")
    client.force_login(world.agency)
    assert client.get(f"/surveys/{survey.pk}/answers.csv").status_code == 403
    client.force_login(world.outsider)
    assert client.get(f"/surveys/{survey.pk}/answers.csv").status_code == 404


def test_the_poster_carries_the_points_link_and_qr_code(client, world, settings):
    settings.SITE_URL = "https://theodoi.example.org"
    survey = make_survey(world)
    point = point_of(survey)
    client.force_login(world.coordinator)
    response = client.get(f"/surveys/points/{point.pk}/poster.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"https://theodoi.example.org/surveys/a/{point.token}/" in text
    assert "Khảo sát thử" in text and point.name in text
    assert len(document.inline_shapes) == 1
    page = client.get(f"/surveys/points/{point.pk}/codes/").content.decode()
    assert "<svg" in page
    client.force_login(world.outsider)
    assert client.get(f"/surveys/points/{point.pk}/poster.docx").status_code == 404


def test_the_report_for_the_standing_committee(client, world):
    survey = make_survey(world)
    for overall in (1, 2, 3, 4, 5):
        submit(survey, {**GOOD, "q_overall": str(overall)})
    submit(survey, flags={"honeypot"})
    client.force_login(world.viewer)
    response = client.get(f"/surveys/{survey.pk}/report.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "Tổng số phiếu nhận được: 6" in text
    assert "số phiếu được tính vào chỉ số: 5" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Hài lòng chung?" in cells and "50,0" in cells  # the overall question's index
    # The charts are images: the dimensions' indices, and the points' overall index.
    assert len(document.inline_shapes) == 2
    assert "Biểu đồ 1. Chỉ số hài lòng theo khía cạnh" in text
    blobs = [r.target_part.blob for r in document.part.rels.values() if "image" in r.reltype]
    assert all(blob.startswith(b"\x89PNG") and len(blob) > 5000 for blob in blobs)
    client.force_login(world.agency)
    assert client.get(f"/surveys/{survey.pk}/report.docx").status_code == 404


def test_the_server_does_not_load_matplotlib_until_a_report_is_made():
    code = (
        "import django, sys; django.setup(); "
        "import theodoi.urls, theodoi.surveys.views, theodoi.surveys.report; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "theodoi.settings"},
    )
    assert out.stdout.strip() == "False"


def _recalculated(content: bytes, tmp_path) -> Any:
    """The workbook as LibreOffice computes it (its formulas' values), or skip."""
    soffice = shutil.which("soffice")
    if soffice is None or not list(Path("/usr/lib/libreoffice/program").glob("libsclo.so")):
        pytest.skip("LibreOffice Calc is not installed")
    source = tmp_path / "results.xlsx"
    source.write_bytes(content)
    out = tmp_path / "out"
    subprocess.run(  # noqa: S603 - the system's LibreOffice on our own file
        [soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    return load_workbook(out / "results.xlsx", data_only=True)


def test_the_aggregated_tables_compute_the_indices_by_formulas(client, world, tmp_path):
    survey = make_survey(world)
    for overall, hotel in ((1, 5), (2, 4), (3, 4), (4, 5), (5, 3), (4, 4)):
        submit(survey, {**GOOD, "q_overall": str(overall), "q_services__hotel": str(hotel)})
    submit(survey, flags={"honeypot"})  # out by the rule
    client.force_login(world.viewer)
    response = client.get(f"/surveys/{survey.pk}/results.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["indices", "counts", "shares"]
    indices = book["indices"]
    rows = {indices[f"A{r}"].value: r for r in range(5, indices.max_row + 1)}
    assert list(rows) == ["overall", "services.hotel", "services.prices", "overall"][: len(rows)]
    r = rows["services.hotel"]
    assert indices[f"C{r}"].value.startswith("=SUMIFS(counts!")
    assert indices[f"H{r}"].value.startswith("=IF(OR(C") and "T.INV.2T" in indices[f"H{r}"].value
    counts = book["counts"]
    hotel = {
        counts[f"E{i}"].value: counts[f"H{i}"].value
        for i in range(2, counts.max_row + 1)
        if counts[f"A{i}"].value == "services" and counts[f"C{i}"].value == "hotel"
    }
    assert hotel == {"1": 0, "2": 0, "3": 1, "4": 3, "5": 2}  # values, not formulas
    assert book["shares"]["F2"].value.startswith("=IF(counts!I2=0")

    from theodoi.surveys import analysis

    q = analysis.Questionnaire.load(survey)
    dims, overall = analysis.indices(survey, q, analysis.Filters(), "en")
    computed = _recalculated(response.content, tmp_path)["indices"]
    expected = {d.key: d.estimate for d in dims}
    for key, row in rows.items():
        estimate = overall if row == max(rows.values()) else expected[key]
        assert computed[f"C{row}"].value == estimate.n
        assert computed[f"F{row}"].value == pytest.approx(estimate.mean)
        assert computed[f"H{row}"].value == pytest.approx(estimate.low)
        assert computed[f"I{row}"].value == pytest.approx(estimate.high)
