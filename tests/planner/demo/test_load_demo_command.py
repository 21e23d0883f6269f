"""load_demo's answers to what it cannot do: a day it cannot read, and a production site."""

import pytest
from django.core.management import CommandError, call_command

from planner.models import Delegate
from tests.factories import make_conference

pytestmark = [pytest.mark.django_db]


def test_a_day_that_is_not_a_day_is_refused_with_the_format_expected():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("load_demo", "--allow-demo-accounts", "--today", "next tuesday")
    assert not Delegate.objects.exists()


def test_the_demo_is_refused_with_debug_off_unless_asked_for_by_name(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-demo-accounts"):
        call_command("load_demo")
    assert not Delegate.objects.exists()


def test_an_old_demo_is_left_alone_with_how_to_rebuild_it(capsys):
    make_conference(slug="connected-councils-2027")
    call_command("load_demo", "--allow-demo-accounts")
    assert "make clean-db" in capsys.readouterr().err
    assert not Delegate.objects.exists()
