"""Placeholder: rubrics (filled by the rubric work)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_expert_pool")]
    operations = []
