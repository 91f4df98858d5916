"""Drop the foreign-key indexes a composite index already starts with.

Occurrences, hourly counts and activity are written by every poll, thousands of rows at a time;
each index is one more insertion per row. `occ_error_recent`, `hourly_error_hour` and
`activity_error_recent` begin with `error_id`, so lookups and cascades by error still use an
index. Only the indexes change: AlterField alone would also drop and re-add (and so re-validate)
each foreign key, a long lock on a large table. Reversing recreates the indexes.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = {
    # model: (table, index Django created for the foreign key, related_name)
    "activity": ("errors_activity", "errors_activity_error_id_5c9810e2", "activities"),
    "hourlycount": ("errors_hourlycount", "errors_hourlycount_error_id_1f536019", "hourly_counts"),
    "occurrence": ("errors_occurrence", "errors_occurrence_error_id_763dcc7d", "occurrences"),
}


def _drop_index(model: str) -> migrations.SeparateDatabaseAndState:
    table, index, related_name = DROPPED[model]
    field = models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="errors.errorgroup",
    )
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.RunSQL(
                f"DROP INDEX IF EXISTS {index}",
                reverse_sql=f"CREATE INDEX IF NOT EXISTS {index} ON {table} (error_id)",
            )
        ],
        state_operations=[migrations.AlterField(model_name=model, name="error", field=field)],
    )


class Migration(migrations.Migration):
    dependencies = [("errors", "0006_regressed_index")]

    operations = [_drop_index(model) for model in DROPPED]
