"""Staff roles with the least each needs (README: Roles).

- Planners: the admin; every page (add, edit, publish, lock); the programme
  snippets (streams, speakers, themes) and venues; images and documents; bookings and
  registrations; check-in and meetup outcomes at every meetup.
- Discussion moderators: the admin and discussion moderation only (Wagtail's own
  Moderators group, which can publish pages, keeps discussion moderation too).
- Facilitators: the admin (for their meetups' dashboards), check-in and outcomes, limited in
  code to the meetups they are named on (Facilitation).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PLANNER_MODEL_PERMISSIONS = {
    "planner": [
        "view_booking",
        "change_booking",
        "view_registration",
        "check_in_delegate",
        "post_outcome",
        "add_stream",
        "change_stream",
        "delete_stream",
        "view_stream",
        "add_speaker",
        "change_speaker",
        "delete_speaker",
        "view_speaker",
        "add_theme",
        "change_theme",
        "delete_theme",
        "view_theme",
    ],
    "venues": ["add_venue", "change_venue", "delete_venue", "view_venue"],
    "wagtailadmin": ["access_admin"],
}
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}


def permissions(apps, app_label, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    missing = set(codenames) - {p.codename for p in found}
    assert not missing, f"missing permissions {app_label}: {missing}"
    return found


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    access_admin = permissions(apps, "wagtailadmin", ["access_admin"])

    planners, _ = Group.objects.get_or_create(name="Planners")
    for app_label, codenames in PLANNER_MODEL_PERMISSIONS.items():
        planners.permissions.add(*permissions(apps, app_label, codenames))
    tree_root = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).first()  # every site's pages
    if tree_root is not None:
        GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
        for permission in permissions(apps, "wagtailcore", PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(group=planners, page=tree_root, permission=permission)
    Collection = apps.get_model("wagtailcore", "Collection")
    root = Collection.objects.filter(depth=1).first()
    if root is not None:
        GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
        for app_label, codenames in COLLECTION_PERMISSIONS.items():
            for permission in permissions(apps, app_label, codenames):
                GroupCollectionPermission.objects.get_or_create(group=planners, collection=root, permission=permission)

    moderators, _ = Group.objects.get_or_create(name="Discussion moderators")
    moderators.permissions.add(*access_admin, *permissions(apps, "planner", ["moderate_contribution"]))

    facilitators, _ = Group.objects.get_or_create(name="Facilitators")
    facilitators.permissions.add(*access_admin)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["Planners", "Discussion moderators"]).delete()
    facilitators = Group.objects.filter(name="Facilitators").first()
    if facilitators is not None:
        facilitators.permissions.remove(*permissions(apps, "wagtailadmin", ["access_admin"]))


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0012_cancellation_facilitation_external_id"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
        ("venues", "0005_venue_position_index"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
