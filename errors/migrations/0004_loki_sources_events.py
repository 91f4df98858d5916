"""Loki sources, the outbox of domain events, and the lookback sweep's record of counted lines."""

import datetime

import django.db.models.deletion
import django.db.models.functions.datetime
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import errors.models.sources


def grant_admin(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The admin role holds every permission (0003); add the ones these models bring."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("errors")
    app_config.models_module = True  # type: ignore[assignment]
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    new = permission_model.objects.filter(
        content_type__app_label="errors",
        content_type__model__in=["lokisource", "event", "countedlines"],
    )
    for group in group_model.objects.filter(name="admin"):
        group.permissions.add(*new)


class Migration(migrations.Migration):
    dependencies = [
        ("errors", "0003_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="LokiSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.SlugField(max_length=100, unique=True)),
                ("enabled", models.BooleanField(default=True)),
                (
                    "url",
                    models.CharField(
                        help_text="e.g. http://loki:3100",
                        max_length=500,
                        validators=[errors.models.sources.base_url],
                        verbose_name="Loki URL",
                    ),
                ),
                ("tenant", models.CharField(blank=True, help_text="X-Scope-OrgID", max_length=200)),
                (
                    "auth_type",
                    models.CharField(
                        choices=[
                            ("none", "None"),
                            ("basic", "Basic (user name + password)"),
                            ("bearer", "Bearer token"),
                        ],
                        default="none",
                        max_length=10,
                    ),
                ),
                ("username", models.CharField(blank=True, max_length=200)),
                (
                    "secret_env",
                    models.CharField(
                        blank=True,
                        help_text="Environment variable holding the password or token",
                        max_length=200,
                    ),
                ),
                (
                    "secret_file",
                    models.CharField(
                        blank=True, help_text="File holding the password or token", max_length=500
                    ),
                ),
                ("tls_verify", models.BooleanField(default=True, verbose_name="verify TLS")),
                (
                    "ca_bundle",
                    models.CharField(blank=True, max_length=500, verbose_name="CA bundle path"),
                ),
                (
                    "client_cert",
                    models.CharField(
                        blank=True, max_length=500, verbose_name="client certificate path"
                    ),
                ),
                (
                    "client_key",
                    models.CharField(blank=True, max_length=500, verbose_name="client key path"),
                ),
                ("connect_timeout", models.FloatField(default=5.0, help_text="seconds")),
                ("read_timeout", models.FloatField(default=60.0, help_text="seconds")),
                (
                    "selector",
                    models.TextField(help_text='Stream selector, e.g. {job="fraiseql-app"}'),
                ),
                (
                    "error_filter",
                    models.CharField(
                        choices=[
                            ("label", "Level label matcher (fastest; needs a level label)"),
                            ("line", "Line filter on the JSON level field"),
                            ("none", "None: the selector already picks error lines"),
                        ],
                        default="label",
                        max_length=10,
                    ),
                ),
                ("level_label", models.CharField(default="level", max_length=100)),
                ("error_levels", models.CharField(default="error,critical,fatal", max_length=200)),
                (
                    "line_filter",
                    models.CharField(
                        blank=True,
                        help_text="Text every wanted line contains (|= filter)",
                        max_length=500,
                    ),
                ),
                (
                    "field_mapping",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text='Overrides, e.g. {"user": "context.user_id"}',
                    ),
                ),
                ("service_labels", models.CharField(default="service_name,job", max_length=200)),
                ("environment_labels", models.CharField(default="env,environment", max_length=200)),
                (
                    "delay",
                    models.DurationField(
                        default=datetime.timedelta(seconds=10), help_text="Wait for late lines"
                    ),
                ),
                (
                    "lookback",
                    models.DurationField(
                        default=datetime.timedelta(seconds=900),
                        help_text="Late lines are still counted this far back",
                    ),
                ),
                (
                    "sweep_interval",
                    models.DurationField(
                        default=datetime.timedelta(seconds=60),
                        help_text="How often the lookback window is re-read",
                    ),
                ),
                ("poll_interval", models.DurationField(default=datetime.timedelta(seconds=10))),
                (
                    "cursor_ns",
                    models.BigIntegerField(
                        blank=True, help_text="Read up to (excluded)", null=True
                    ),
                ),
                (
                    "sweep_floor_ns",
                    models.BigIntegerField(
                        blank=True,
                        help_text="The sweep never reads before this (see ingest.cursor)",
                        null=True,
                    ),
                ),
                ("last_sweep_at", models.DateTimeField(blank=True, null=True)),
                ("last_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("lag_seconds", models.FloatField(blank=True, null=True)),
                ("lines_read", models.BigIntegerField(default=0)),
                ("parse_failures", models.BigIntegerField(default=0)),
                ("last_lines_read", models.IntegerField(default=0)),
                ("last_groups_touched", models.IntegerField(default=0)),
                ("last_parse_failures", models.IntegerField(default=0)),
                ("last_success_at", models.DateTimeField(blank=True, null=True)),
                ("last_failure_at", models.DateTimeField(blank=True, null=True)),
                ("last_failure_message", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.TextField(
                        choices=[
                            ("new", "New error"),
                            ("regression", "Regression"),
                            ("unignored", "Came back from ignore"),
                            ("frequency", "Frequency crossed"),
                        ]
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
                ("data", models.JSONField(blank=True, default=dict)),
                ("dispatched_at", models.DateTimeField(blank=True, null=True)),
                (
                    "error",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="errors.errorgroup",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("dispatched_at__isnull", True)),
                        fields=["id"],
                        name="event_pending",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("dispatched_at__isnull", True), ("kind", "frequency")),
                        fields=("error",),
                        name="event_one_pending_frequency",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CountedLines",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("minute", models.BigIntegerField()),
                ("keys", models.BinaryField()),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="errors.lokisource",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "counted lines",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "minute"), name="counted_source_minute"
                    )
                ],
            },
        ),
        migrations.RunPython(grant_admin, migrations.RunPython.noop),
    ]
