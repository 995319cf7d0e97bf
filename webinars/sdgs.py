"""The 17 Sustainable Development Goals, a fixed list the data migration loads."""

# Number and short title, as the United Nations names them.
GOALS: tuple[tuple[int, str], ...] = (
    (1, "No poverty"),
    (2, "Zero hunger"),
    (3, "Good health and well-being"),
    (4, "Quality education"),
    (5, "Gender equality"),
    (6, "Clean water and sanitation"),
    (7, "Affordable and clean energy"),
    (8, "Decent work and economic growth"),
    (9, "Industry, innovation and infrastructure"),
    (10, "Reduced inequalities"),
    (11, "Sustainable cities and communities"),
    (12, "Responsible consumption and production"),
    (13, "Climate action"),
    (14, "Life below water"),
    (15, "Life on land"),
    (16, "Peace, justice and strong institutions"),
    (17, "Partnerships for the goals"),
)


def ensure_sdgs(apps=None) -> None:
    """Create or correct the 17 goals; idempotent. ``apps`` is the migration's registry."""
    if apps is None:
        from django.apps import apps
    Sdg = apps.get_model("webinars", "Sdg")
    for number, title in GOALS:
        Sdg.objects.update_or_create(number=number, defaults={"title": title})
