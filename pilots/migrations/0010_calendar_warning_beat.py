"""The November warning about next year's working-day calendar runs every day at 09:00
(django-celery-beat): a row, so an administrator may change it in the admin and a restart
of beat does not undo the change. The task itself does nothing outside November and
warns at most once a week (pilots.calendar_watch)."""
from django.db import migrations
from django.utils import timezone

NAME = "warn-missing-next-year-calendar"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return  # already there, perhaps edited: leave it as it is
    fields = {"minute": "0", "hour": "9", "day_of_week": "*", "day_of_month": "*",
              "month_of_year": "*", "timezone": "Asia/Shanghai"}
    daily = (CrontabSchedule.objects.filter(**fields).order_by("pk").first()
             or CrontabSchedule.objects.create(**fields))
    PeriodicTask.objects.create(
        name=NAME, task="pilots.calendar_watch.warn_missing_next_year", crontab=daily,
        description="每年11月，下一年的法定节假日安排尚未核实时，每周提醒市生态环境局管理员录入并核实。")
    # A running beat reloads its schedule when this changes (signals do not fire here).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0009_working_day_calendar"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
