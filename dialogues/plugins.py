"""What the dialogues app plugs into the platform (DESIGN.md, three floors)."""

from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins


def _figures():
    from .selectors import dialogue_figures

    figures = dialogue_figures()
    return [
        plugins.Figure(_("dialogues held"), figures["held"]),
        plugins.Figure(_("convenings"), figures["convenings"]),
    ]


def _rotation_context():
    from .selectors import rotation

    return {"rotation": rotation()}


def _seed_demo(context: plugins.SeedContext) -> None:
    from .demo import seed

    seed(context)


def register():
    plugins.register_nav_entry(
        plugins.NavEntry(
            key="dialogues",
            label=_("Policy Dialogues"),
            url_name="dialogues:convening_list",
            order=20,
        )
    )
    plugins.register_home_card(
        plugins.HomeCard(
            key="dialogues",
            title=_("Annual Policy Dialogue"),
            summary=_(
                "Beside the ASEAN Summit each year, hosted by the country that chairs ASEAN, "
                "with allied organisations from Japan, South Korea, Hong Kong and Australia."
            ),
            url_name="dialogues:convening_list",
            order=20,
            figures=_figures,
        )
    )
    plugins.register_home_section(
        plugins.HomeSection(
            key="rotation",
            template_name="dialogues/_rotation.html",
            order=10,
            context=_rotation_context,
        )
    )
    plugins.register_demo_seeder(plugins.DemoSeeder(key="dialogues", order=20, seed=_seed_demo))
    plugins.register_scale_generator(
        plugins.ScaleGenerator("dialogues", 20, "dialogues.scale.generate", activity_weight=3)
    )

    # The app's reports and its sections of the Roadmap progress report.
    from . import reports

    reports.register()

    # The dialogues' console pages and menu entries.
    from . import console

    console.register()
