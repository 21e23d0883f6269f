from django.db import migrations


def keep_join_links_out_of_public_feeds(apps, schema_editor):
    """Calendar entries feed the public .ics files: from now on they hold a session's join link
    only when the session is open to everyone (planner.rules.joining)."""
    CalendarEntry = apps.get_model("planner", "CalendarEntry")
    SessionPage = apps.get_model("planner", "SessionPage")
    private = SessionPage.objects.filter(join_open_to_all=False).values("pk")
    CalendarEntry.objects.filter(page_id__in=private).exclude(join_url="").update(join_url="")


class Migration(migrations.Migration):
    dependencies = [("planner", "0018_speakers_materials_changes")]

    operations = [migrations.RunPython(keep_join_links_out_of_public_feeds, migrations.RunPython.noop)]
