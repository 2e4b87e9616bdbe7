from modeltranslation.translator import TranslationOptions, register

from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem


@register(DealTheme)
class DealThemeTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(TransversalTheme)
class TransversalThemeTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("fr",)


@register(WorkItem)
class WorkItemTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = ("fr",)
