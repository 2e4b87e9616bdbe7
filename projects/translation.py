from modeltranslation.translator import TranslationOptions, register

from projects.models import Booklet, Factsheet, Theme


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(Factsheet)
class FactsheetTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "territorial_issue", "objectives", "actions", "results", "photo_caption")
    required_languages = {"fr": ("title",)}


@register(Booklet)
class BookletTranslationOptions(TranslationOptions):
    fields = ("title", "subtitle", "introduction", "edition_label")
    required_languages = {"fr": ("title",)}
