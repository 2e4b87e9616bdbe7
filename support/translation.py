from modeltranslation.translator import TranslationOptions, register

from support.models import Service


@register(Service)
class ServiceTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "audience")
    required_languages = {"fr": ("title",)}
