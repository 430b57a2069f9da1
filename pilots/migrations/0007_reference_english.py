"""Placeholder: English names of the reference data (filled by the i18n work)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pilots", "0006_plan_schema_2")]
    operations = []
