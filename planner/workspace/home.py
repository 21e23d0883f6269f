"""The planner's workspace on the Wagtail admin home page: a panel per live conference with its
online registrations, each meetup's places, waiting list, check-ins and packs, the discussion
per day and stream drawn as a small grid (``activity_grid``), and the questions still open
(gathered by ``queries.dashboard``); and a warning panel while emails fail. Both only for
planners (``roles.sees_every_meetup``)."""

from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

from planner.ops.mail_health import FailedSends, failed_email_sends
from planner.queries.dashboard import ConferenceSummary, conference_summaries
from planner.rules import roles
from planner.workspace.activity_grid import activity_grid_svg, activity_summary


class ConferencePanel(Component):
    """One conference's numbers on the admin home page, above Wagtail's own panels."""

    template_name = "planner/workspace/conference_panel.html"
    order = 50

    def __init__(self, summary: ConferenceSummary, *, can_edit: bool):
        self.summary = summary
        self.can_edit = can_edit

    def get_context_data(self, parent_context=None):
        user = parent_context["request"].user
        return {
            "conference": self.summary,
            "chart": activity_grid_svg(self.summary.activity, id_prefix=f"relay-activity-{self.summary.pk}"),
            "summary": activity_summary(self.summary.activity),
            "can_edit": self.can_edit,
            "can_see_registrations": user.has_perm("planner.view_registration"),
        }


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
    return [ConferencePanel(summary, can_edit=summary.pk in editable) for summary in summaries]


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
