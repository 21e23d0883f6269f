"""Admin page forms that hold planners to the programme's rules (see scheduling.py) and only
offer choices that make sense for the conference a page sits under."""

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

from planner import timefmt
from planner.forms.ids import RefusesMalformedIds
from planner.models import SessionPage
from planner.rules.scheduling import agenda_item_problems, conference_problems, meetup_problems, session_problems
from venues.models import Venue

LOCAL_FIELDS = ("start", "end")


def as_local(value, zone):
    """Read a datetime the admin parsed in the server's zone as wall-clock time in ``zone``."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None).replace(tzinfo=zone)


class ProgrammePageForm(RefusesMalformedIds, WagtailAdminPageForm):
    """A page form that knows the conference the page belongs to and reports problems by field."""

    def conference(self):
        """The ConferencePage this page sits under (for a conference: itself, if saved)."""
        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        return parent.specific if parent is not None else None

    def event_zone(self, cleaned_data=None):
        """The zone planners type this page's times in; None where it has no times."""
        return None

    def show_times_in_event_zone(self) -> None:
        """Unbound edit forms show start and end as wall-clock time in the event's zone."""
        zone = self.event_zone()
        if zone is None or self.is_bound or not self.instance.pk:
            return
        for name in LOCAL_FIELDS:
            value = getattr(self.instance, name, None)
            if name in self.fields and value is not None:
                self.initial[name] = value.astimezone(zone).replace(tzinfo=None)
            if name in self.fields:
                self.fields[name].help_text = f"Local time in {zone.key}."

    def read_times_in_event_zone(self, cleaned_data) -> None:
        zone = self.event_zone(cleaned_data)
        if zone is not None:
            for name in LOCAL_FIELDS:
                if cleaned_data.get(name) is not None:
                    cleaned_data[name] = as_local(cleaned_data[name], zone)

    def add_problems(self, problems: dict[str, list[str]]) -> None:
        for field, messages in problems.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ConferencePageForm(ProgrammePageForm):
    def clean(self):
        cleaned_data = super().clean()
        self.add_problems(
            conference_problems(
                start_date=cleaned_data.get("start_date"),
                end_date=cleaned_data.get("end_date"),
                conference_id=self.instance.pk,
            )
        )
        return cleaned_data


class SessionPageForm(ProgrammePageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_times_in_event_zone()
        conference = self.conference()
        if conference is not None and "stream" in self.fields:
            self.fields["stream"].queryset = conference.streams.all()
            self.fields[
                "stream"
            ].help_text = "Only this conference’s streams are offered; add one under Programme › Streams."

    def event_zone(self, cleaned_data=None):
        conference = self.conference()
        return conference.zone if conference is not None else None

    def clean(self):
        cleaned_data = super().clean()
        self.read_times_in_event_zone(cleaned_data)
        conference = self.conference()
        if conference is not None:
            self.add_problems(
                session_problems(
                    conference=conference,
                    stream=cleaned_data.get("stream"),
                    start=cleaned_data.get("start"),
                    end=cleaned_data.get("end"),
                    speakers=cleaned_data.get("speakers") or (),
                    session_id=self.instance.pk,
                )
            )
        return cleaned_data


class RegionalEventPageForm(ProgrammePageForm):
    def event_zone(self, cleaned_data=None):
        venue = (cleaned_data or {}).get("venue") or (self.instance.venue if self.instance.venue_id else None)
        return timefmt.zone(venue.time_zone) if venue else None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_times_in_event_zone()
        conference = self.conference()
        if conference is not None:
            sessions = SessionPage.objects.child_of(conference).order_by("start")
            for form in self.formsets["agenda_items"].forms:
                form.fields["continues"].queryset = sessions

    def clean(self):
        cleaned_data = super().clean()
        self.read_times_in_event_zone(cleaned_data)
        conference = self.conference()
        if conference is None:
            return cleaned_data
        start, end = cleaned_data.get("start"), cleaned_data.get("end")
        self.add_problems(meetup_problems(conference=conference, start=start, end=end))
        venue: Venue | None = cleaned_data.get("venue")
        tz = timefmt.zone(venue.time_zone) if venue else None
        for form in self.formsets["agenda_items"].forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE") or not form.has_changed():
                continue
            data = form.cleaned_data
            problems = agenda_item_problems(
                conference=conference,
                title=data.get("title", ""),
                start_time=data.get("start_time"),
                end_time=data.get("end_time"),
                continues=data.get("continues") or (),
                meetup_start=start,
                meetup_end=end,
                tz=tz,
            )
            for field, messages in problems.items():
                for message in messages:
                    form.add_error(field, message)
        return cleaned_data
