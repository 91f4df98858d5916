"""The regressed tab: a partial index so its list and count do not scan every error."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("errors", "0005_saved_context")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS errors_regressed ON monitoring.errors "
            "(last_seen_at DESC, id DESC) WHERE regression_count > 0",
            reverse_sql="DROP INDEX IF EXISTS monitoring.errors_regressed",
        )
    ]
