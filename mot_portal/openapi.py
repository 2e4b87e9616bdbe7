"""What the OpenAPI schema says beyond what drf-spectacular infers: the error answers every operation can give and
the anonymous reads. A client generated from the schema (or schemathesis) then expects what the API really does."""

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "An error. `detail` holds a message about the request as a whole; a refused field is named as a key, "
        "with its messages (a list, or an object by row for a list of rows)."
    ),
    "properties": {"detail": {"type": "string", "description": "Why the request was refused."}},
    "additionalProperties": True,
}

# Status → why the API gives it. 400: a parameter or a body refused (field errors); 401: a token that is not
# valid; 403: a write without the staff permission; 404: no such record (or page); 429: too many requests.
ERRORS = {
    "400": "Invalid parameters or body: the fields refused, with their messages.",
    "401": "Authentication given but not valid (unknown or inactive token).",
    "403": "Not allowed: writes need a staff account holding the model permission.",
    "404": "No such record, or a page beyond the last one (JSON); an address that names no record at all gets the "
    "site's HTML page.",
    "429": "Too many requests: wait for the time given by Retry-After.",
}
WRITE_ERRORS = {"409": "Other records still refer to this one; change or delete them first."}
SAFE_METHODS = {"get", "head", "options"}


def document_errors_and_anonymous_reads(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", ERROR_SCHEMA)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = ERRORS if method in SAFE_METHODS else {**ERRORS, **WRITE_ERRORS}
            for status, description in errors.items():
                content = {**error, "text/html": {"schema": {"type": "string"}}} if status == "404" else error
                operation["responses"].setdefault(status, {"content": content, "description": description})
            # A filter given empty (``?kind=``) is no filter (django-filter): an enum parameter accepts "". Not
            # ``format``, which names what to answer (an empty one is a 400, mot_portal/exports.py).
            for parameter in operation.get("parameters", []):
                query = parameter.get("in") == "query" and parameter.get("name") != "format"
                schema = parameter.get("schema", {}) if query else {}
                schema = schema.get("items", schema) if schema.get("type") == "array" else schema
                if "enum" in schema and "" not in schema["enum"]:
                    schema["enum"] = [*schema["enum"], ""]
            # Anyone reads (mot_portal.rest.IsStaffWithModelPermissionsOrReadOnly): no credentials is an option.
            security = operation.get("security")
            if method in SAFE_METHODS and security and {} not in security:
                security.append({})
    return result
