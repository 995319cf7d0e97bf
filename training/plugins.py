"""What the training app plugs into the platform (DESIGN.md, three floors)."""

from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins


def _figures():
    from .selectors import training_figures

    figures = training_figures()
    return [
        plugins.Figure(_("people trained"), figures["people_trained"]),
        plugins.Figure(_("cohorts"), figures["cohorts"]),
    ]


def _seed(context):
    from .demo import seed

    seed(context)


def register():
    plugins.register_nav_entry(
        plugins.NavEntry(
            key="training", label=_("Training"), url_name="training:cohort_list", order=40
        )
    )
    plugins.register_home_card(
        plugins.HomeCard(
            key="training",
            title=_("ASEAN SSE for SDGs Training Course"),
            summary=_(
                "ASEC with APPGM-SDGs prepares member organisations to carry out the Roadmap "
                "in their countries and to help host the Policy Dialogue in their turn."
            ),
            url_name="training:cohort_list",
            order=40,
            figures=_figures,
        )
    )
    plugins.register_demo_seeder(plugins.DemoSeeder(key="training", order=40, seed=_seed))
