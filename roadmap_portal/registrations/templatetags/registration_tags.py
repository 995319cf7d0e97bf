"""The registration panel that any kind's page includes (``registrations/_panel.html``)."""

from django import template

from ..forms import RegisterForm
from ..selectors import panel_data

register = template.Library()


@register.simple_tag(takes_context=True)
def registration_panel(context, activity):
    """The panel's data for the signed-in user, with a form per organisation that may register.

    Costs no query for anonymous visitors and a fixed number for members.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    data = panel_data(activity=activity, user=user)
    for organisation_panel in data.organisations:
        if not data.window_problem and not organisation_panel.refusal and organisation_panel.people:
            organisation_panel.form = RegisterForm(
                activity=activity,
                organisation=organisation_panel.organisation,
                people=organisation_panel.people,
            )
    return data
