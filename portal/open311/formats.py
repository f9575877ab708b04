"""The two formats of GeoReport v2: JSON arrays and XML documents, UTF-8, and the spec's errors."""
import json
from xml.etree import ElementTree

from flask import Response

# The XML element of one item of a list, by the list's name.
ITEM_TAGS = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
             "endpoints": "endpoint", "formats": "format", "errors": "error"}
FORMATS = ("json", "xml")


class ApiError(Exception):
    """An answer in the spec's error format: ``[{"code": 400, "description": "…"}]``."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def respond(fmt: str, root: str, payload, status: int = 200) -> Response:
    """``payload`` as JSON, or as XML under ``root`` (a list becomes one element per item)."""
    if fmt == "xml":
        element = ElementTree.Element(root)
        _fill(element, payload, ITEM_TAGS.get(root, "item"))
        body = ElementTree.tostring(element, encoding="unicode")
        return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, status,
                        content_type="text/xml; charset=utf-8")
    return Response(json.dumps(payload, ensure_ascii=False), status, content_type="application/json; charset=utf-8")


def error_response(fmt: str, error: ApiError) -> Response:
    return respond(fmt if fmt in FORMATS else "json", "errors",
                   [{"code": error.code, "description": error.description}], error.code)


def _fill(element: ElementTree.Element, value, item_tag: str) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ElementTree.SubElement(element, item_tag), item, "item")
    elif isinstance(value, dict):
        for key, inner in value.items():
            _fill(ElementTree.SubElement(element, key), inner, ITEM_TAGS.get(key, "item"))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
