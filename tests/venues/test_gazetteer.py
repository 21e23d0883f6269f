"""The offline gazetteer finds towns by name, by alternate name, and admits ambiguity."""

import pytest

from venues.gazetteer import ascii_key, find_places, load_gazetteer, suggest_places
from venues.geocoding import look_up_place
from venues.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def gazetteer():
    load_gazetteer()


def test_loading_twice_adds_nothing_and_covers_the_four_nations(gazetteer):
    count = Place.objects.count()
    assert load_gazetteer() == 0 and Place.objects.count() == count > 800
    assert set(Place.objects.values_list("region", flat=True)) >= {"ENG", "SCT", "WLS", "NIR"}


def test_towns_are_found_by_name_in_any_case_and_by_their_welsh_or_gaelic_name(gazetteer):
    assert [p.name for p in find_places("LEEDS")] == ["Leeds"]
    assert find_places("Caerdydd")[0].name == "Cardiff"
    assert find_places("Glaschu")[0].name == "Glasgow"


def test_two_newports_are_both_offered_biggest_first(gazetteer):
    lookup = look_up_place("Newport")
    assert lookup.ambiguous
    assert [m.label for m in lookup.matches][:2] == ["Newport, Wales", "Newport, England"]


def test_a_misspelt_town_gets_suggestions(gazetteer):
    lookup = look_up_place("Manchster")
    assert not lookup.matches
    assert "Manchester" in lookup.suggestions
    assert suggest_places("zzzzzz") == []


@pytest.mark.parametrize("text", ["", "   ", "x" * 5000, "<script>", "'; --", "Ünïcödé"])
def test_odd_input_gets_a_message_not_an_error(gazetteer, text):
    lookup = look_up_place(text)
    assert lookup.message or lookup.matches


def test_ascii_key_normalises_punctuation_and_accents():
    assert ascii_key("  Bury St. Edmunds ") == "bury st edmunds"
    assert ascii_key("Stoke-on-Trent") == "stoke on trent"
    assert ascii_key("Ynys Môn") == "ynys mon"
