from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def my_logistics(context):
    """The signed-in user's logistics for /me/: check-in codes, letters, support, feedback."""
    request = context.get("request")
    if request is None:
        return []
    return selectors.my_logistics(request.user)
