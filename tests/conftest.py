"""Shared fixtures. Regions of Sumatra's south (15-19) and DKI Jakarta (31) are
loaded once per test database through the real loader; each test runs in a
transaction that is rolled back."""

from __future__ import annotations

import pytest
from django.test import Client

from jaring.accounts.models import Organization, User
from jaring.demo.seed import DEMO_PASSWORD, seed_demo
from jaring.regions.services import regions_load

TEST_PROVINCES = {"15", "16", "17", "18", "19", "31"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        regions_load(provinces=TEST_PROVINCES)


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (e.g. no refresh already queued)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_language_left_over():
    """A request through the test client leaves the language it chose active on the
    thread (a real server activates one per request): each test starts in the default."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Argon2 is slow on purpose; tests that check it restore it explicitly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    """The demo organizations and users (one per role), created through the services."""
    seed_demo(people=False)
    return Demo()


class Demo:
    password = DEMO_PASSWORD

    def org(self, code: str) -> Organization:
        return Organization.objects.get(code=code)

    def user(self, username: str) -> User:
        return User.objects.select_related("organization").get(username=username)

    def client(self, username: str) -> Client:
        client = Client()
        client.force_login(self.user(username))
        return client
