"""Feed addresses: a public contract (DESIGN.md). Ids, not slugs, so renames never break them."""

from django.urls import path

from planner.views import calendar

urlpatterns = [
    path("calendar/conference/<id:conference_id>.ics", calendar.conference_feed, name="feed_conference"),
    path(
        "calendar/conference/<id:conference_id>/stream/<slug:stream_slug>.ics",
        calendar.stream_feed,
        name="feed_stream",
    ),
    path("calendar/conference/<id:conference_id>/schedule.xml", calendar.schedule_xml, name="schedule_xml"),
    path("calendar/conference/<id:conference_id>/schedule.json", calendar.schedule_json, name="schedule_json"),
    path("calendar/event/<id:event_id>.ics", calendar.event_feed, name="feed_event"),
    path("calendar/regional.ics", calendar.regional_feed, name="feed_regional"),
    path("calendar/session/<id:session_id>.ics", calendar.session_feed, name="feed_session"),
    path("calendar/me/<str:token>.ics", calendar.personal_feed, name="feed_personal"),
]
