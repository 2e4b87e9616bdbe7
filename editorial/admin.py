from editorial.sources_admin import SourceAdmin  # noqa: F401  (registers the sources' admin)
