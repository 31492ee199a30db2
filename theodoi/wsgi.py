import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
application = get_wsgi_application()
# The URLconf (with the API's schemas: seconds of CPU) is loaded here, so that
# gunicorn --preload forks workers that have it, instead of on each worker's
# first request.
get_resolver().url_patterns  # noqa: B018
