"""A running total of groups written per source, for /metrics (`triage_groups_upserted`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("errors", "0008_event_dispatched_index")]

    operations = [
        migrations.AddField(
            model_name="lokisource",
            name="groups_touched",
            field=models.BigIntegerField(default=0),
        ),
    ]
