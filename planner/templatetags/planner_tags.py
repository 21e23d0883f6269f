"""Template tags that show programme data: times in a named zone, upcoming conferences."""

from django import template

from planner import queries, timefmt

register = template.Library()


@register.simple_tag
def when(start, end, tz) -> str:
    """‘Monday 8 March 2027, 09:30 to 10:20 GMT (Europe/London)’."""
    return timefmt.when(start, end, tz)


@register.simple_tag
def time_range(start, end, tz) -> str:
    """‘09:30 to 10:20 GMT’."""
    return timefmt.time_range(start, end, tz)


@register.simple_tag
def upcoming_conferences() -> list:
    """Published conferences with their meetups, for the home page."""
    return queries.conferences_with_meetups()
