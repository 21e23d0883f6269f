"""Discussion moderation goes to Wagtail's own Moderators group (created by wagtailcore, or
here on a site that deleted it), and the hourly schedule that sends notification digests."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
DIGEST_SCHEDULE = "Notification digests"


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label__in=["planner", "wagtailadmin"],
        codename__in=["moderate_contribution", "access_admin"],
    )
    group.permissions.add(*wanted)
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=DIGEST_SCHEDULE,
        defaults={"func": "planner.tasks.send_notification_digests", "schedule_type": "H", "repeats": -1},
    )


def backwards(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*group.permissions.filter(codename="moderate_contribution"))
    apps.get_model("django_q", "Schedule").objects.filter(name=DIGEST_SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0006_discussions"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
