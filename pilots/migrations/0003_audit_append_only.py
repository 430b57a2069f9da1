"""On PostgreSQL the database itself refuses to change or delete an audit entry."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pilots_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'pilots_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pilots_auditentry_append_only
    BEFORE UPDATE OR DELETE ON pilots_auditentry
    FOR EACH ROW EXECUTE FUNCTION pilots_auditentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS pilots_auditentry_append_only ON pilots_auditentry;
DROP FUNCTION IF EXISTS pilots_auditentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("pilots", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]
