"""Settings of the floor: the database of the run, nothing else."""

import os

import dj_database_url

SECRET_KEY = "bench-floor-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bench.floor.apps.FloorConfig"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.floor.views"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=int(os.getenv("DB_CONN_MAX_AGE", "60"))
    )
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
