"""The daily look for publicity periods that have ended (django-celery-beat), at 08:00
Beijing time: a row, so an administrator may change it in the admin and a restart of
beat does not undo the change."""
from django.db import migrations
from django.utils import timezone

NAME = "notify-ended-publicity-periods"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return  # already there, perhaps edited: leave it as it is
    fields = {"minute": "0", "hour": "8", "day_of_week": "*", "day_of_month": "*",
              "month_of_year": "*", "timezone": "Asia/Shanghai"}
    crontab = (CrontabSchedule.objects.filter(**fields).order_by("pk").first()
               or CrontabSchedule.objects.create(**fields))
    PeriodicTask.objects.create(
        name=NAME, task="publicity.tasks.notify_ended_periods", crontab=crontab,
        description="每天提醒市生态环境局：哪些项目公示期已满、可以确定为试点项目。")
    # A running beat reloads its schedule when this changes (signals do not fire here).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
