"""What the registry plugs into the platform (DESIGN.md, three floors)."""

from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins


def _figures():
    from .selectors import taskforce_figures

    figures = taskforce_figures()
    return [
        plugins.Figure(_("organisations"), figures["organisations"]),
        plugins.Figure(_("countries"), figures["countries"]),
    ]


def _seed_demo(context: plugins.SeedContext) -> None:
    from .demo import seed

    seed(context)


def register():
    plugins.register_nav_entry(
        plugins.NavEntry(
            key="taskforce", label=_("Task Force"), url_name="taskforce:organisation_list", order=10
        )
    )
    plugins.register_home_card(
        plugins.HomeCard(
            key="taskforce",
            title=_("Multi-stakeholder Task Force"),
            summary=_(
                "ASEC member organisations in ASEAN countries and continental partners "
                "working together on the Roadmap."
            ),
            url_name="taskforce:organisation_list",
            order=10,
            figures=_figures,
        )
    )
    plugins.register_demo_seeder(plugins.DemoSeeder(key="taskforce", order=10, seed=_seed_demo))
    plugins.register_scale_generator(
        plugins.ScaleGenerator("taskforce", 10, "taskforce.scale.generate")
    )

    # The app's reports and its sections of the Roadmap progress report.
    from . import reports

    reports.register()

    # The registry's console pages, menu entries and "needs attention" items.
    from . import console

    console.register()
