"""Admin of the support app. The support requests' admin lives in support/request_admin.py (personal data: seen
only with ``support.view_supportrequest``)."""

from support.request_admin import SupportRequestAdmin  # noqa: F401  (registers it)
