"""The QR code as SVG: a phone reads back exactly what was given, and screen readers hear
its name."""

from planner.packs.qr import QUIET_ZONE, dark_runs, qr_svg
from tests.qr_scan import SVG, scan_svg, svg_element

CHECK_IN = "https://relay.example.org/checkin/MQ:1vK2xY:abcdefghijklmnopqrstuvwxyz0123456789ABCDE/"


def test_a_phone_reads_the_svg_code_back_as_the_address_it_was_given(tmp_path):
    assert scan_svg(qr_svg(CHECK_IN, label="Check-in code"), tmp_path) == [CHECK_IN]


def test_the_svg_is_well_formed_named_for_screen_readers_and_escapes_the_name():
    svg = svg_element(qr_svg(CHECK_IN, label='Check-in code for Ann <O\'Neil> & "Co"'))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == svg.find(f"{SVG}title").text == 'Check-in code for Ann <O\'Neil> & "Co"'


def test_the_code_keeps_its_quiet_zone_inside_the_drawing():
    count, runs = dark_runs(CHECK_IN)
    svg = svg_element(qr_svg(CHECK_IN, label="Check-in code"))
    assert svg.get("viewBox") == f"0 0 {count + 2 * QUIET_ZONE} {count + 2 * QUIET_ZONE}"
    assert min(column for _, column, _ in runs) == 0 and max(c + n for _, c, n in runs) == count


def test_a_ticket_sized_code_stays_small():
    assert len(qr_svg(CHECK_IN, label="Check-in code")) < 12_000
