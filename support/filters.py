"""Filters of the offer's services in the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from missions.models import Mission
from support.models import Service


class ServiceFilter(django_filters.FilterSet):
    family = django_filters.ChoiceFilter(
        choices=Service.Family.choices,
        label=_("Family"),
        help_text=_("Family of the service: training_networking or local_support."),
    )
    mission_kind = django_filters.ChoiceFilter(
        choices=Mission.Kind.choices,
        label=_("Kind of mission"),
        help_text=_("Kind of support mission that delivers the service, e.g. diagnostic."),
    )

    class Meta:
        model = Service
        fields = ["family", "mission_kind"]
