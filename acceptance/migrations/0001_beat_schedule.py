"""The daily recheck task (django-celery-beat): a row, so an administrator may change it in
the admin and a restart of beat does not undo the change. Its name is the one beat gave
the row when the schedule still lived in the settings, so such a row is kept as it is."""
from django.db import migrations
from django.utils import timezone

NAME = "start-due-rechecks"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return  # already there, perhaps edited: leave it as it is
    every = (IntervalSchedule.objects.filter(every=1, period="days").order_by("pk").first()
             or IntervalSchedule.objects.create(every=1, period="days"))
    PeriodicTask.objects.create(
        name=NAME, task="acceptance.tasks.start_due_rechecks", interval=every,
        description="为复核已到期的已获称号试点启动复核。")
    # A running beat reloads its schedule when this changes (signals do not fire here).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
