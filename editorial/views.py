"""Staff pages of the editorial app."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from editorial import translation_status


def translation_dashboard(request):
    """What is missing in English, model by model: the records, those with English missing, the fields missing in
    all, and each incomplete record with a link to its edit page and the fields to translate. A model is shown only
    to staff who may view it in the admin; two queries a model, whatever the number of records."""
    sections = []
    for model in translation_status.translated_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        fields = translation_status.translated_fields(model)
        queryset = model._default_manager.all()
        counts, missing_by_pk = translation_status.model_status(queryset)
        records = []
        for obj, missing in translation_status.records_with(queryset, missing_by_pk):
            try:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            except NoReverseMatch:
                url = ""
            labels = [translation_status.field_label(model, name) for name in missing]
            records.append({"obj": obj, "url": url, "missing": labels})
        sections.append(
            {
                "opts": opts,
                "counts": counts,
                "records": records,
                "list_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                "fields": [translation_status.field_label(model, field.name) for field in fields],
            }
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Translation status"),
        "sections": sections,
        "incomplete_total": sum(section["counts"].incomplete for section in sections),
        "fields_missing_total": sum(section["counts"].fields_missing for section in sections),
    }
    return TemplateResponse(request, "editorial/translation_dashboard.html", context)
