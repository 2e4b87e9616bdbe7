from modeltranslation.translator import TranslationOptions, register

from towns.models import Country, CrossBorderArea, Partner


@register(Country)
class CountryTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(Partner)
class PartnerTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"fr": ("name",)}


@register(CrossBorderArea)
class CrossBorderAreaTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"fr": ("name",)}
