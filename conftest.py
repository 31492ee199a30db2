"""Project-wide test fixtures: fast hashing, isolated data folder, personas."""

import pytest


@pytest.fixture(autouse=True)
def _fast_and_hermetic(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True


@pytest.fixture
def world(db):
    from theodoi.testing import make_world

    return make_world()


@pytest.fixture
def reform(world):
    """The world after the 2025 reform: the merged ban succeeding both bans (each
    app's handover tests)."""
    from theodoi.testing import make_reform

    return make_reform(world)
