from modeltranslation.translator import TranslationOptions, register

from editorial.models import Source


@register(Source)
class SourceTranslationOptions(TranslationOptions):
    # The title stays in the document's own language (with ``language``); the public note is written in both.
    fields = ("note",)
