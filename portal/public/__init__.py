"""The public portal: read, search, write, track and rate."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from . import citizen, views  # noqa: E402,F401  (register the routes)
