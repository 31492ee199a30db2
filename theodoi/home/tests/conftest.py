from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

PASSWORD = "demo-test-password"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once per module (15/07/2018), rolled back at its end."""
    data = tmp_path_factory.mktemp("demo-data")
    with (
        django_db_blocker.unblock(),
        override_settings(
            DATA_DIR=data,
            THEODOI_DEMO=True,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setenv("DEMO_PASSWORD", PASSWORD)
        patch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
