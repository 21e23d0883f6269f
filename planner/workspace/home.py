"""The planner's workspace on the Wagtail admin home page: a panel per live conference with its
online registrations, each meetup's places, waiting list, check-ins and packs, the discussion
per day and stream drawn as a small grid (``activity_grid``), and the questions still open
(gathered by ``queries.dashboard``, a snapshot kept for a minute); and a warning panel while
emails fail. Both only for planners (``roles.sees_every_meetup``)."""

from django.core.cache import cache
from django.utils import timezone, translation
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

from planner.ops.mail_health import FailedSends, failed_email_sends
from planner.queries.dashboard import COUNTS_CACHE_SECONDS, ConferenceSummary, conference_summaries
from planner.rules import roles
from planner.workspace.activity_grid import activity_grid_svg, activity_summary


class ConferencePanel(Component):
    """One conference's numbers on the admin home page, above Wagtail's own panels."""

    template_name = "planner/workspace/conference_panel.html"
    order = 50

    def __init__(self, summary: ConferenceSummary, *, can_edit: bool, can_see_registrations: bool):
        self.summary = summary
        self.can_edit = can_edit
        self.can_see_registrations = can_see_registrations

    def get_context_data(self, parent_context=None):
        return {
            "conference": self.summary,
            "chart": activity_grid_svg(self.summary.activity, id_prefix=f"relay-activity-{self.summary.pk}"),
            "summary": activity_summary(self.summary.activity),
            "can_edit": self.can_edit,
            "can_see_registrations": self.can_see_registrations,
        }

    def render_html(self, parent_context=None):
        """The panel as drawn from this snapshot of the numbers, kept as long as the snapshot:
        drawing a hundred formatted cells and the grid costs more than reading the numbers.
        The HTML depends on nothing else but the links shown, the language and the time zone."""
        key = ":".join(
            [
                "relay:conference-panel",
                str(self.summary.pk),
                self.summary.counted_at.isoformat(),
                f"{self.can_edit:d}{self.can_see_registrations:d}",
                translation.get_language() or "",
                timezone.get_current_timezone_name(),
            ]
        )
        html = cache.get(key)
        if html is None:
            html = super().render_html(parent_context)
            cache.set(key, html, COUNTS_CACHE_SECONDS)
        return html


def conference_panels(request) -> list[ConferencePanel]:
    """A panel per live conference for a planner who sees every meetup; none for anyone else."""
    if not roles.sees_every_meetup(request.user):
        return []
    summaries = conference_summaries(request=request)
    if not summaries:
        return []
    # The programme grid is for those who may edit the conference: one query for them all.
    editable = set(
        PagePermissionPolicy()
        .instances_user_has_permission_for(request.user, "change")
        .filter(pk__in=[summary.pk for summary in summaries])
        .values_list("pk", flat=True)
    )
    can_see_registrations = request.user.has_perm("planner.view_registration")
    return [
        ConferencePanel(summary, can_edit=summary.pk in editable, can_see_registrations=can_see_registrations)
        for summary in summaries
    ]


class EmailFailuresPanel(Component):
    """On the admin home page while emails are failing in the queue: how many, the latest
    error, and what to check."""

    template_name = "planner/workspace/email_failures_panel.html"
    order = 40  # above the conference panels: nobody is getting their emails

    def __init__(self, failed: FailedSends):
        self.failed = failed

    def get_context_data(self, parent_context=None):
        return {"failed": self.failed}


def email_failure_panels(request) -> list[EmailFailuresPanel]:
    """The failed-email panel for planners, when any email failed in the last week."""
    if not roles.sees_every_meetup(request.user):
        return []
    failed = failed_email_sends()
    return [EmailFailuresPanel(failed)] if failed.count else []


def add_conference_panels(request, panels) -> None:
    """The ``construct_homepage_panels`` hook: a panel per live conference, for planners."""
    panels.extend(conference_panels(request))


def add_email_failure_panel(request, panels) -> None:
    """The ``construct_homepage_panels`` hook: the failed-email warning, for planners."""
    panels.extend(email_failure_panels(request))
