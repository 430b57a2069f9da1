"""The database itself refuses to change an audit entry (PostgreSQL: or delete it)."""
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


# SQLite has no TRUNCATE: Django's flush (tests, `manage.py flush`) deletes rows, so
# there only UPDATE is refused by the database; the model and its queryset refuse delete.
SQLITE_CREATE = [
    """CREATE TRIGGER pilots_auditentry_no_update BEFORE UPDATE ON pilots_auditentry
       BEGIN SELECT RAISE(ABORT, 'pilots_auditentry is append-only'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS pilots_auditentry_no_update;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("pilots", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]
