"""Placeholder: the expert pool (filled by the expert pool work)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_scoring_deadline"), ("pilots", "0008_beat_schedule")]
    operations = []
