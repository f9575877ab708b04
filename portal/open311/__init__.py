"""Open311 GeoReport v2 at /open311/v2/: the public projection of published messages to read,
and the public form's intake to write (with an API key). https://wiki.open311.org/GeoReport_v2/"""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # machine clients authenticate with api_key; no browser session reaches this API

from . import views  # noqa: E402,F401  (register the routes)
