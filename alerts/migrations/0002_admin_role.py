"""The admin role holds every permission (errors 0003); add the ones the alert models bring."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def grant_admin(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("alerts")
    app_config.models_module = True  # type: ignore[assignment]
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    alert_permissions = permission_model.objects.filter(content_type__app_label="alerts")
    for group in group_model.objects.filter(name="admin"):
        group.permissions.add(*alert_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("errors", "0003_roles"),
    ]
    operations = [migrations.RunPython(grant_admin, migrations.RunPython.noop)]
