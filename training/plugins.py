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


def _nomination_targets(*, now):
    from .reminders import nomination_targets

    return nomination_targets(now=now)


def _nomination_message(row, *, now):
    from .reminders import nomination_message

    return nomination_message(row, now=now)


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
    plugins.register_reminder_policy(
        plugins.ReminderPolicyDefault(kind="training_cohort", offsets=(7 * 24 * 60, 24 * 60))
    )
    plugins.register_nudge(
        plugins.NudgeProvider(
            key="nomination",
            label=_("Reminders to nominate people for a training cohort (focal points)"),
            topic="nudge.nomination",
            targets=_nomination_targets,
            message=_nomination_message,
        )
    )
    plugins.register_scale_generator(
        plugins.ScaleGenerator("training", 40, "training.scale.generate", activity_weight=1)
    )

    # The app's report and its section of the Roadmap progress report.
    from . import reports

    reports.register()

    # The course's console pages, menu entries and "needs attention" items.
    from . import console

    console.register()
