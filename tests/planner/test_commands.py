"""Management commands a newcomer and an operator run."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_demo_admin_login_is_refused_outside_development():
    with pytest.raises(CommandError, match="development only"):
        call_command("ensure_demo_admin")
    assert not get_user_model().objects.exists()


@override_settings(DEBUG=True)
def test_demo_admin_login_is_created_once_in_development(capsys):
    call_command("ensure_demo_admin")
    call_command("ensure_demo_admin")
    assert get_user_model().objects.filter(username="admin", is_superuser=True).count() == 1
    assert "user admin  password relay-demo" in capsys.readouterr().out
