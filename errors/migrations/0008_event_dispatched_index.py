"""Retention deletes dispatched outbox events by age: a partial index on `dispatched_at` finds
them without scanning the table (undispatched rows, the pending work, stay out of it).

Built CONCURRENTLY, outside a transaction: errors_event is written by every poll, and a plain
CREATE INDEX would block those writes for as long as it reads millions of rows.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("errors", "0007_fk_indexes_covered")]

    operations = [
        AddIndexConcurrently(
            model_name="event",
            index=models.Index(
                condition=models.Q(dispatched_at__isnull=False),
                fields=["dispatched_at"],
                name="event_dispatched",
            ),
        ),
    ]
