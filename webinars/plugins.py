"""What the webinars app plugs into the platform (DESIGN.md, three floors)."""

from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins


def _figures():
    from .selectors import webinar_figures

    figures = webinar_figures()
    return [
        plugins.Figure(_("webinars held"), figures["held"]),
        plugins.Figure(_("people who attended"), figures["attended"]),
    ]


def _seed(context):
    from .demo import seed_webinars

    seed_webinars(context)


def _calendar_event(activity, default):
    from django.core.exceptions import ObjectDoesNotExist

    from .calendars import webinar_event

    try:
        webinar = activity.webinar
    except ObjectDoesNotExist:
        return default
    return webinar_event(webinar)


def register():
    plugins.register_nav_entry(
        plugins.NavEntry(
            key="webinars", label=_("Webinars"), url_name="webinars:webinar_list", order=30
        )
    )
    plugins.register_home_card(
        plugins.HomeCard(
            key="webinars",
            title=_("Webinar series"),
            summary=_(
                "MySDG Academy and ASEC bring the Task Force together online around the "
                "Roadmap and the Sustainable Development Goals."
            ),
            url_name="webinars:webinar_list",
            order=30,
            figures=_figures,
        )
    )
    plugins.register_demo_seeder(plugins.DemoSeeder(key="webinars", order=30, seed=_seed))
    plugins.register_calendar_provider(
        plugins.CalendarProvider(key="webinar", event=_calendar_event)
    )
    plugins.register_scale_generator(
        plugins.ScaleGenerator("webinars", 30, "webinars.scale.generate", activity_weight=5)
    )

    # The app's report and its section of the Roadmap progress report.
    from . import reports

    reports.register()

    # The webinars' console pages, menu entries and "needs attention" item.
    from . import console

    console.register()
