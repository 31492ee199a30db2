"""`REDIS_URL` gives several app servers one cache: the client is installed and works."""

import os

import pytest
from django.core.cache.backends.redis import RedisCache

REDIS_URL = os.getenv("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_the_redis_cache_shares_values_between_two_clients():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {REDIS_URL}")
    one, two = RedisCache(REDIS_URL, {}), RedisCache(REDIS_URL, {})
    key = f"theodoi-test-{os.getpid()}"
    try:
        one.set(key, {"tỉnh": "Lào Cai"}, 30)
        assert two.get(key) == {"tỉnh": "Lào Cai"}
    finally:
        one.delete(key)
