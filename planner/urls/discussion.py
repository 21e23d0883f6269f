from django.urls import path

from planner.views import connections, discussion

app_name = "discussion"

urlpatterns = [
    path("sessions/<id:session_id>/discuss/", discussion.post, name="post"),
    path("discussion/<id:contribution_id>/", discussion.thread, name="thread"),
    path("discussion/<id:contribution_id>/edit/", discussion.edit, name="edit"),
    path("discussion/<id:contribution_id>/delete/", discussion.delete, name="delete"),
    path("discussion/<id:contribution_id>/accept/", discussion.accept, name="accept"),
    path("discussion/<id:contribution_id>/report/", discussion.report, name="report"),
    path("discussion/<id:contribution_id>/moderate/", discussion.moderate, name="moderate"),
    path("meetups/<id:event_id>/outcome/", discussion.outcome, name="outcome"),
    path("my/connections/", connections.overview, name="connections"),
    path("delegates/<id:delegate_id>/connect/", connections.connect, name="connect"),
    path("my/connections/<id:connection_id>/respond/", connections.respond, name="respond"),
    path("my/connections/<id:connection_id>/withdraw/", connections.withdraw, name="withdraw"),
    path("delegates/<id:delegate_id>/block/", connections.block, name="block"),
    path("delegates/<id:delegate_id>/unblock/", connections.unblock, name="unblock"),
]
