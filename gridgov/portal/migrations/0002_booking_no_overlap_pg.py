"""Never a double booking, at the database: on PostgreSQL an exclusion constraint refuses two
live (pending or confirmed) bookings of one facility whose [starts_at, ends_at) ranges overlap.
GiST needs btree_gist for the equality on facility_id. SQLite has no exclusion constraints: there
the booking action's locked check (IMMEDIATE transactions, one writer at a time) stands alone
(ADR 0027)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE portal_booking ADD CONSTRAINT portal_booking_no_overlap
  EXCLUDE USING gist (facility_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
  WHERE (state IN ('pending', 'confirmed'));
"""
DROP = "ALTER TABLE portal_booking DROP CONSTRAINT IF EXISTS portal_booking_no_overlap;"


class PostgresOnly(migrations.RunSQL):
    """RunSQL that runs only on PostgreSQL (a no-op elsewhere)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [("portal", "0001_initial")]

    operations = [PostgresOnly(CREATE, DROP)]
