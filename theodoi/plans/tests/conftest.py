import pytest
from django.utils import translation


@pytest.fixture
def english(settings, client):
    """Assertions read English messages; Vietnamese is tested explicitly (by cookie).

    The default language is switched too, because the language middleware
    deactivates the request's language after each response.
    """
    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
