from django.contrib.auth import views as auth_views
from django.urls import path

from planner.views import accounts, delegates, email_settings, packs, tickets

app_name = "account"

urlpatterns = [
    path("account/signup/", accounts.sign_up, name="signup"),
    path("account/confirm/<uidb64>/<token>/", accounts.confirm_email, name="verify"),
    path("account/login/", accounts.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="account/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("account/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "account/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="account/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("account/profile/", accounts.profile, name="profile"),
    path("account/emails/off/<str:token>/", email_settings.emails_off, name="emails_off"),
    path("account/my-data.json", accounts.download_my_data, name="download_data"),
    path("account/delete/", accounts.delete_account, name="delete"),
    path("my/programme/", delegates.my_programme, name="my_programme"),
    path("my/calendar/", delegates.personal_calendar, name="personal_calendar"),
    path("delegates/", delegates.directory, name="directory"),
    path("conference/<id:conference_id>/register/", delegates.register, name="register"),
    path("conference/<id:conference_id>/withdraw/", delegates.withdraw, name="withdraw"),
    path("meetups/<id:event_id>/book/", delegates.book, name="book"),
    path("bookings/<id:booking_id>/cancel/", delegates.cancel, name="cancel_booking"),
    path("sessions/<id:session_id>/star/", delegates.star, name="star"),
    path("my/pack/<id:event_id>/", packs.meetup_pack, name="pack"),
    path("my/pack/<id:event_id>/pdf/", packs.meetup_pack_pdf, name="pack_pdf"),
    path("my/pack/online/<id:conference_id>/", packs.online_pack, name="online_pack"),
    path("my/pack/online/<id:conference_id>/pdf/", packs.online_pack_pdf, name="online_pack_pdf"),
    path("my/ticket/<id:event_id>/", tickets.ticket, name="ticket"),
]
