from modeltranslation.translator import TranslationOptions, register

from missions.models import Mission, MissionEvent, NationalProgramme, Roadmap, RoadmapAction, ThematicGroup


@register(NationalProgramme)
class NationalProgrammeTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(Mission)
class MissionTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "objectives", "outcomes")
    required_languages = {"fr": ("title",)}


@register(MissionEvent)
class MissionEventTranslationOptions(TranslationOptions):
    fields = ("title", "period_label", "place", "description")
    required_languages = {"fr": ("title",)}


@register(ThematicGroup)
class ThematicGroupTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(Roadmap)
class RoadmapTranslationOptions(TranslationOptions):
    fields = ("summary",)


@register(RoadmapAction)
class RoadmapActionTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"fr": ("title",)}
