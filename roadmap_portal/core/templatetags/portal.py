from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def render_plugged(context, template_name, data):
    """Render a plugged-in partial with the context its app computed for it."""
    return render_to_string(template_name, data, request=context.get("request"))
