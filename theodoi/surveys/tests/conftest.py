import pytest

from theodoi.surveys import compiled


@pytest.fixture(autouse=True)
def _fresh_compiled_forms():
    """A rolled-back test gives its ids to the next one: no form of another test's survey."""
    compiled.clear()
    yield
    compiled.clear()
