"""What every response carries for the browser's sake, and whose address a request comes from."""
from ipaddress import ip_address, ip_network

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: htmx is configured through a meta tag, the review page's script is a file.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def install(app: Flask) -> None:
    trusted = trusted_networks(app.config.get("TRUSTED_PROXIES", ""))
    if trusted:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted)
    app.after_request(add_security_headers)


def trusted_networks(setting: str) -> list:
    return [ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]


class TrustedProxyFix:
    """werkzeug's ProxyFix, applied only when the request comes from a configured proxy: a client that
    reaches the app directly and sends its own X-Forwarded-For keeps its real address."""

    def __init__(self, wsgi_app, networks: list):
        self.direct, self.proxied, self.networks = wsgi_app, ProxyFix(wsgi_app, x_for=1, x_proto=1), networks

    def __call__(self, environ, start_response):
        return (self.proxied if self._from_proxy(environ.get("REMOTE_ADDR")) else self.direct)(
            environ, start_response)

    def _from_proxy(self, address: str | None) -> bool:
        try:
            peer = ip_address(address or "")
        except ValueError:
            return False
        return any(peer in network for network in self.networks)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.blueprint == "admin":  # staff pages carry names and phones: no copy in any cache
        headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
