"""Every screen Relay adds to the Wagtail admin, under /admin/ (wired in by wagtail_hooks)."""

from django.urls import path

from planner.workspace import bookings, geography, meetups, packs, programme, programme_files, reports

urlpatterns = [
    # A meetup: its dashboard, one URL per thing done there, and its printing.
    path("meetups/<id:event_id>/dashboard/", meetups.meetup_dashboard, name="planner_meetup_dashboard"),
    path("meetups/<id:event_id>/tables/lock/", meetups.lock, name="planner_meetup_lock_tables"),
    path("meetups/<id:event_id>/tables/unlock/", meetups.unlock, name="planner_meetup_unlock_tables"),
    path("meetups/<id:event_id>/tables/move/", meetups.move, name="planner_meetup_move_delegate"),
    path("meetups/<id:event_id>/packs/generate/", meetups.generate_packs, name="planner_meetup_generate_packs"),
    path("meetups/<id:event_id>/facilitators/add/", meetups.add_facilitator, name="planner_meetup_add_facilitator"),
    path(
        "meetups/<id:event_id>/facilitators/remove/",
        meetups.remove_facilitator_view,
        name="planner_meetup_remove_facilitator",
    ),
    path("meetups/<id:event_id>/badges/", packs.badges, name="planner_badges"),
    path("meetups/<id:event_id>/briefing/", meetups.briefing, name="planner_meetup_briefing"),
    path("meetups/<id:event_id>/briefing.pdf", meetups.briefing_pdf, name="planner_meetup_briefing_pdf"),
    path(
        "meetups/<id:event_id>/packs/<id:run_id>/<str:kind>/", packs.pack_run_download, name="planner_pack_run_download"
    ),
    path("meetups/<id:event_id>/delegates.csv", programme_files.export_delegates, name="planner_export_delegates"),
    path("my-meetups/", meetups.my_meetups, name="planner_my_meetups"),
    # People: registrations, bookings, reported posts, where delegates are.
    path("registrations/", reports.RegistrationsReportView.as_view(), name="planner_registrations"),
    path(
        "registrations/results/",
        reports.RegistrationsReportView.as_view(results_only=True),
        name="planner_registrations_results",
    ),
    path("bookings/", reports.BookingsReportView.as_view(), name="planner_bookings"),
    path("bookings/results/", reports.BookingsReportView.as_view(results_only=True), name="planner_bookings_results"),
    path("bookings/<id:booking_id>/", bookings.manage_booking, name="planner_booking_manage"),
    path("reported/", reports.ReportedContributionsView.as_view(), name="planner_reported"),
    path(
        "reported/results/",
        reports.ReportedContributionsView.as_view(results_only=True),
        name="planner_reported_results",
    ),
    path("geography/", geography.geography, name="planner_geography"),
    # The programme: its overview, moving and cancelling, import and export.
    path("conferences/<id:conference_id>/programme/", programme.programme, name="planner_programme"),
    path("sessions/<id:session_id>/move/", programme.move, name="planner_move_session"),
    path("pages/<id:page_id>/cancel/", programme.cancel, name="planner_cancel_page"),
    path("programme-files/", programme_files.programme_files, name="planner_programme_files"),
    path("programme-files/<id:conference_id>/import/", programme_files.import_programme, name="planner_import"),
    path("programme-files/runs/<id:run_id>/", programme_files.import_run_page, name="planner_import_run"),
    path(
        "programme-files/<id:conference_id>/template.csv",
        programme_files.import_template,
        name="planner_import_template",
    ),
    path(
        "programme-files/<id:conference_id>/programme.csv",
        programme_files.export_programme,
        name="planner_export_programme",
    ),
]
