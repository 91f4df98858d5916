"""Roles as Django groups: viewer reads, triager changes status/assignee/notes, admin configures."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

ROLES = {
    "viewer": ["view_errorgroup", "view_occurrence", "view_note", "view_activity"],
    "triager": [
        "view_errorgroup",
        "view_occurrence",
        "view_note",
        "view_activity",
        "change_errorgroup",
        "add_note",
    ],
}


def create_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(
            permission_model.objects.filter(
                content_type__app_label="errors", codename__in=codenames
            )
        )
    admin, _ = group_model.objects.get_or_create(name="admin")
    admin.permissions.set(permission_model.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("errors", "0002_console_tables"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
