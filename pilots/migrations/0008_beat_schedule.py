"""Placeholder: the periodic tasks of pilots (filled by the outbox work)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pilots", "0007_reference_english")]
    operations = []
