"""``{% factsheet_map_pdf factsheet %}``: the factsheet's map in its PDF and in its booklet section."""

from django import template

from mot_portal.templatetags.maps import map_figure_pdf
from projects.maps import factsheet_map

register = template.Library()


@register.simple_tag
def factsheet_map_pdf(factsheet):
    return map_figure_pdf(factsheet_map(factsheet, id=f"map-{factsheet.slug}"))
