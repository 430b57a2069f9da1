"""The outbox sweep runs every five minutes (django-celery-beat): a row, so an administrator
may change it in the admin and a restart of beat does not undo the change."""
from django.db import migrations
from django.utils import timezone

NAME = "sweep-notification-outbox"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return  # already there, perhaps edited: leave it as it is
    every = (IntervalSchedule.objects.filter(every=5, period="minutes").order_by("pk").first()
             or IntervalSchedule.objects.create(every=5, period="minutes"))
    PeriodicTask.objects.create(
        name=NAME, task="pilots.tasks.sweep_notification_outbox", interval=every,
        description="发送仍待发送的通知邮件（之前因邮件服务器或消息队列不可用而未发出的）。")
    # A running beat reloads its schedule when this changes (signals do not fire here).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0007_reference_english"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
