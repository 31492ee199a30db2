import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from theodoi.testing import make_plan, make_unit
from theodoi.units.models import Unit


@pytest.fixture
def english(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def plan(world):
    return make_plan(world, number="112-KH/TU")


@pytest.fixture
def more_units(world):
    """The Front and two mass organisations, beside the world's units."""
    K = Unit.Kind
    return {
        "mttq": make_unit(
            "Ủy ban MTTQ Việt Nam tỉnh", K.MASS_ORGANISATION, world.province, short_name="MTTQ tỉnh"
        ),
        "td": make_unit("Tỉnh đoàn", K.MASS_ORGANISATION, world.province),
        "hnd": make_unit("Hội Nông dân tỉnh", K.MASS_ORGANISATION, world.province),
        "btc": make_unit("Ban Tổ chức Tỉnh ủy", K.PARTY_AGENCY, world.province),
        "stc": make_unit("Sở Tài chính", K.STATE_AGENCY, world.province),
        "ubnd": make_unit("Ủy ban nhân dân tỉnh", K.STATE_AGENCY, world.province),
    }


def workbook(rows, merges=(), title_rows=(), notes=()):
    """An XLSX made by hand: title rows, a table, merged ranges ("A5:H5"), notes below."""
    wb = Workbook()
    ws = wb.active
    for row in title_rows:
        ws.append(list(row))
    for row in rows:
        ws.append(list(row))
    for row in notes:
        ws.append(list(row))
    for merged in merges:
        ws.merge_cells(merged)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
