"""``{% mission_map_pdf mission %}``: the mission's territory in its roadmap PDF."""

from django import template

from missions.maps import mission_map
from mot_portal.templatetags.maps import map_figure_pdf

register = template.Library()


@register.simple_tag
def mission_map_pdf(mission):
    return map_figure_pdf(mission_map(mission))
