"""The domain clock reads the day once, through the settings."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from theodoi import settings as project_settings
from theodoi.core import clock


def test_the_fixed_day_comes_from_the_settings(settings, monkeypatch):
    settings.THEODOI_TODAY = date(2018, 7, 15)
    monkeypatch.setenv("THEODOI_TODAY", "2030-01-01")  # read at start-up only
    assert clock.today() == date(2018, 7, 15)
    assert clock.now().date() == date(2018, 7, 15)
    with clock.fixed_today(date(2018, 3, 20)):
        assert clock.today() == date(2018, 3, 20)
    assert clock.today() == date(2018, 7, 15)


def test_without_a_fixed_day_the_wall_clock_rules(settings, monkeypatch):
    settings.THEODOI_TODAY = None
    monkeypatch.setenv("THEODOI_TODAY", "2030-01-01")
    with time_machine.travel(date(2021, 5, 4)):
        assert clock.today() == date(2021, 5, 4)


def test_the_setting_is_parsed_once_and_checked(monkeypatch):
    monkeypatch.setenv("THEODOI_TODAY", "2018-07-15")
    assert project_settings.envdate("THEODOI_TODAY") == date(2018, 7, 15)
    monkeypatch.setenv("THEODOI_TODAY", "15/07/2018")
    with pytest.raises(ImproperlyConfigured):
        project_settings.envdate("THEODOI_TODAY")
