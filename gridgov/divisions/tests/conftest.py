import pytest


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """Fast password hashing in tests (PBKDF2 costs ~0.3 s per user on these machines)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
