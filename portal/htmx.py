"""htmx support: detect htmx requests, render one named block of a page for them.

A region htmx swaps is a `{% block name %}` whose element id is the block name; the same URL
without htmx returns the whole page (architecture.md). Every response says Vary: HX-Request so
that caches keep the two apart.
"""
from flask import current_app, make_response, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render(template_name: str, block: str | None = None, status: int = 200, **context):
    """The whole page, or only ``block`` for an htmx request."""
    template = current_app.jinja_env.get_or_select_template(template_name)
    current_app.update_template_context(context)
    if block and is_htmx():
        body = "".join(template.blocks[block](template.new_context(context)))
    else:
        body = template.render(context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
