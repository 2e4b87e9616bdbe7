"""The services of the MOT's offer in the API (read-only: staff edit them in the admin). Published services only,
with the published missions and booklets that delivered them. Support requests are never in the API."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from mot_portal.api import LanguageMixin
from mot_portal.rest import SLUG_REGEX, absolute_url
from mot_portal.rest import translated_field as _text
from support import selectors
from support.filters import ServiceFilter
from support.models import Service


class ServiceDeliverySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True, help_text="Slug of the mission or booklet.")
    title = serializers.CharField(read_only=True, help_text="Title in the requested language.")
    url = serializers.CharField(read_only=True, help_text="Its public page.")


class OfferServiceSerializer(serializers.ModelSerializer):
    title = _text("Title in the requested language.")
    summary = _text("Summary (sanitised HTML) in the requested language.")
    description = _text("Description (sanitised HTML) in the requested language.")
    audience = _text("Who the service is for, in the requested language.")
    missions = serializers.SerializerMethodField(help_text="Published missions that delivered the service.")
    booklets = serializers.SerializerMethodField(help_text="Published booklets that delivered the service.")
    url = serializers.SerializerMethodField(help_text="Public page of the service.")
    request_url = serializers.SerializerMethodField(help_text="The form to ask the MOT for this service.")

    class Meta:
        model = Service
        fields = [
            "slug",
            "family",
            *(
                f"{name}{suffix}"
                for name in ("title", "summary", "description", "audience")
                for suffix in ("", "_fr", "_en")
            ),
            "mission_kind",
            "announced_on",
            "source",
            "missions",
            "booklets",
            "position",
            "published_at",
            "updated_at",
            "url",
            "request_url",
        ]

    def _deliveries(self, records) -> list[dict]:
        return [{"slug": r.slug, "title": r.title, "url": absolute_url(self, r.get_absolute_url())} for r in records]

    @extend_schema_field(ServiceDeliverySerializer(many=True))
    def get_missions(self, service: Service) -> list[dict]:
        return self._deliveries(service.missions_list)

    @extend_schema_field(ServiceDeliverySerializer(many=True))
    def get_booklets(self, service: Service) -> list[dict]:
        return self._deliveries(service.booklets_list)

    @extend_schema_field(serializers.URLField())
    def get_url(self, service: Service) -> str:
        return absolute_url(self, service.get_absolute_url())

    @extend_schema_field(serializers.URLField())
    def get_request_url(self, service: Service) -> str:
        return absolute_url(self, f"{reverse('support:request')}?service={service.slug}")


class ServiceViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """The services of the MOT's offer to the border towns of Petites villes de demain, by family."""

    serializer_class = OfferServiceSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "family", "position"]
    ordering = ["family", "position", "slug"]
    filterset_class = ServiceFilter

    def get_queryset(self):
        return selectors.service_list()
