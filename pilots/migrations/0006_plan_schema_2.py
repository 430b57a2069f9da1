"""Placeholder: the creation plan, schema 2 (filled by the plan work)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pilots", "0005_groundwork")]
    operations = []
