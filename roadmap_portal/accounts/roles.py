"""Who may do what. Code checks permissions, never group names (DESIGN.md)."""

SECRETARIAT_GROUP = "Secretariat"
CONSOLE_PERMISSION = "accounts.access_console"


def ensure_secretariat_group(apps=None):
    """The "Secretariat" group holding ``access_console``; idempotent, migration-safe."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="access_console",
        defaults={"name": "Can use the secretariat console and export reports"},
    )
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.add(permission)
    return group
