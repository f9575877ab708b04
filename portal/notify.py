"""Senders that deliver the outbox: one per channel (sms, email), chosen by configuration.

- log (the default on a laptop): writes that a message went (to a masked recipient) to the application
  log and counts it sent;
- smtp: email through the office's mail server (WENZHENG_SMTP_HOST …);
- gateway: SMS through the government SMS platform's HTTP interface (WENZHENG_SMS_GATEWAY_URL):
  a JSON POST {"phone", "content", "sign"} with a bearer token; any answer but 2xx with
  {"code": 0} is a failure, retried later by the outbox.

A sender raises SendError (or OSError) when a message did not go; it never decides on retries.
"""
import json
import logging
import smtplib
import urllib.request
from email.message import EmailMessage
from typing import Protocol

log = logging.getLogger("wenzheng.notify")


class SendError(Exception):
    """The sender could not deliver the message; the outbox tries again later."""


class Sender(Protocol):
    def send(self, recipient: str, body: str, *, subject: str = "", name: str = "") -> None: ...


class LogSender:
    def send(self, recipient: str, body: str, *, subject: str = "", name: str = "") -> None:
        # Logs are read by more people than the outbox: no name, no full number or address, no text.
        log.info("notification to %s: %s (%d characters)", _masked(recipient), subject or "sms", len(body))


def _masked(recipient: str) -> str:
    from .display import mask_phone

    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(recipient)


class SmtpSender:
    def __init__(self, host: str, port: int = 25, *, sender: str, user: str = "", password: str = "",
                 starttls: bool = False, timeout: float = 20):
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def send(self, recipient: str, body: str, *, subject: str = "", name: str = "") -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, recipient, subject or "问政平台通知"
        mail.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                if self.starttls:
                    server.starttls()
                if self.user:
                    server.login(self.user, self.password)
                server.send_message(mail)
        except smtplib.SMTPException as exc:
            raise SendError(f"邮件服务器拒绝：{exc}") from exc


class SmsGatewaySender:
    def __init__(self, url: str, *, token: str = "", sign: str = "", timeout: float = 10):
        self.url, self.token, self.sign, self.timeout = url, token, sign, timeout

    def send(self, recipient: str, body: str, *, subject: str = "", name: str = "") -> None:
        payload = json.dumps({"phone": recipient, "content": body, "sign": self.sign}, ensure_ascii=False)
        request = urllib.request.Request(self.url, data=payload.encode(), method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except (OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors
            raise SendError(f"短信平台无应答或出错：{exc}") from exc
        if answer.get("code") != 0:
            raise SendError(f"短信平台拒绝：{answer.get('message') or answer}")


def senders_from_config(config) -> dict[str, Sender]:
    sms: Sender = LogSender()
    email: Sender = LogSender()
    if config.get("SMS_SENDER") == "gateway":
        sms = SmsGatewaySender(config["SMS_GATEWAY_URL"], token=config.get("SMS_GATEWAY_TOKEN", ""),
                               sign=config.get("SMS_SIGN", ""))
    if config.get("EMAIL_SENDER") == "smtp":
        email = SmtpSender(config["SMTP_HOST"], int(config.get("SMTP_PORT", 25)), sender=config["SMTP_FROM"],
                           user=config.get("SMTP_USER", ""), password=config.get("SMTP_PASSWORD", ""),
                           starttls=config.get("SMTP_STARTTLS", False))
    return {"sms": sms, "email": email}
