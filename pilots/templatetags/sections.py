"""Render the cards other apps add to the project page (pilots.registry sections)."""
from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def render_section(context, section):
    """The section's own template with its own context (and the request, for csrf)."""
    return render_to_string(section["template"], section["context"], request=context.get("request"))
