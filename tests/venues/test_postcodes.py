"""A UK postcode, whole or its first half, finds a place wherever a town does; a bad or
unknown one gets a message that says what to fix."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import VenueFactory
from venues.gazetteer import load_gazetteer, load_outward_codes, locate_home
from venues.geocoding import geocode_venue, look_up_place
from venues.geography import haversine_km
from venues.models import OutwardCode, Venue
from venues.postcodes import Postcode, looks_like_postcode, normalise_postcode, parse_postcode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LS1 4AP", Postcode("LS1", "4AP")),
        ("ls14ap", Postcode("LS1", "4AP")),
        ("  ls1   4ap ", Postcode("LS1", "4AP")),
        ("EC1A 1BB", Postcode("EC1A", "1BB")),
        ("w1a0ax", Postcode("W1A", "0AX")),
        ("M1", Postcode("M1")),
        ("cf10", Postcode("CF10")),
        ("LS14", Postcode("LS14")),
    ],
)
def test_whole_postcodes_and_first_halves_are_read_in_any_case_and_spacing(text, expected):
    assert parse_postcode(text) == expected


@pytest.mark.parametrize("text", ["LS1 4A", "1LS 4AP", "CF101", "LS1 4APP", "QQQ1", "12345"])
def test_text_that_is_not_shaped_like_a_postcode_is_refused(text):
    assert looks_like_postcode(text) and parse_postcode(text) is None


@pytest.mark.parametrize("town", ["Leeds", "Newport", "Bury St Edmunds", "Stoke-on-Trent", "Ynys Môn"])
def test_town_names_are_never_taken_for_postcodes(town):
    assert not looks_like_postcode(town)


def test_normalising_spaces_a_postcode_and_leaves_other_text_alone():
    assert normalise_postcode(" ls14ap ") == "LS1 4AP"
    assert normalise_postcode(" not one ") == "not one"


@pytest.mark.django_db
class TestLookingUpPostcodes:
    @pytest.fixture(autouse=True)
    def gazetteer(self):
        load_gazetteer()
        load_outward_codes()

    def test_every_district_loads_once_and_loading_again_adds_none(self):
        count = OutwardCode.objects.count()
        assert count > 2900 and load_outward_codes() == 0 and OutwardCode.objects.count() == count

    def test_a_whole_postcode_is_found_by_its_district_near_the_town_it_is_in(self):
        lookup = look_up_place("LS1 4AP")
        leeds = look_up_place("Leeds").matches[0]
        [match] = lookup.matches
        assert match.source == "postcode" and match.label == "LS1 (Leeds)"
        assert haversine_km(match.latitude, match.longitude, leeds.latitude, leeds.longitude) < 3

    @pytest.mark.parametrize(("text", "town"), [("cf10", "Cardiff"), ("TR1 2HE", "Truro"), ("IV2 3PY", "Inverness")])
    def test_districts_are_named_after_the_nearest_town_people_know(self, text, town):
        assert look_up_place(text).matches[0].label.endswith(f"({town})")

    def test_an_unknown_district_says_which_part_is_unknown(self):
        lookup = look_up_place("ZZ9 9ZZ")
        assert not lookup.matches and "postcode area ZZ9" in lookup.message

    def test_a_postcode_with_a_typo_says_how_a_postcode_looks(self):
        lookup = look_up_place("LS1 4A")
        assert not lookup.matches and "is not a UK postcode" in lookup.message and "LS1 4AP" in lookup.message

    def test_a_delegates_postcode_is_kept_as_its_first_half_and_placed_in_its_town(self):
        kept, place = locate_home("ls1 4ap")
        assert kept == "LS1" and place.name == "Leeds"
        assert locate_home("Leeds")[1].name == "Leeds"
        assert locate_home("ZZ9 9ZZ") == ("ZZ9", None)

    def test_a_venue_without_a_position_is_placed_by_its_postcode_before_its_town(self):
        # The town is Newport (two of them, Wales the bigger); the postcode says Shropshire's.
        venue = VenueFactory(town="Newport", postcode="TF10 7BB", latitude=None, longitude=None)
        assert geocode_venue(venue_id=venue.pk)
        venue.refresh_from_db()
        assert 52.6 < float(venue.latitude) < 52.9 and -2.5 < float(venue.longitude) < -2.2

    def test_a_venue_postcode_is_written_tidily_and_a_wrong_one_is_refused(self):
        venue = VenueFactory.build(postcode=" ls1 3ab ")
        venue.full_clean()
        assert venue.postcode == "LS1 3AB"
        venue.postcode = "LS1"
        with pytest.raises(ValidationError) as refused:
            venue.full_clean()
        assert "whole postcode" in str(refused.value.message_dict["postcode"])
        assert Venue.objects.count() == 0
