"""Delivery channels behind one two-method contract (STYLE 8), chosen in settings.

    accepts(recipient) -> bool        can this channel reach this address (without decrypting it)?
    send(message) -> DeliveryResult   one attempt; never raises for a delivery problem

settings.NOTIFY_CHANNELS lists the channels in use, in order of preference ("sms", "email");
settings.NOTIFY_BACKENDS may replace the class of a channel with a dotted path (a class taking no
arguments, reading its own settings), as ANALYSIS_BACKENDS does for analysis.

The SMS gateway protocol (HttpSmsGateway), for whoever puts a provider behind it:

    POST <XINFANG_SMS_GATEWAY_URL>
    Authorization: Bearer <XINFANG_SMS_GATEWAY_TOKEN>
    Idempotency-Key: <key>
    Content-Type: application/json; charset=utf-8
    {"to": "13800138000", "text": "…", "idempotency_key": "<key>"}

    2xx {"message_id": "…"}   taken. A key seen before is answered with the first message's id and
                              nothing is sent again (so a retry after a lost answer sends once).
    4xx other than 408/429    refused ({"error": "…"}); not retried
    408, 429, 5xx, timeout,   not taken; retried with backoff
    connection error

Email goes over SMTP (smtplib): STARTTLS, implicit TLS or plain (XINFANG_SMTP_TLS), with a login
when a user is set. Its Message-ID is derived from the idempotency key.
"""

import json
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from importlib import import_module
from typing import Protocol

from django.conf import settings

from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.privacy import remove_personal_numbers
from xinfang.notifications.models import ChannelName

PHONE = "phone"
EMAIL = "email"

DEFAULT_BACKENDS = {
    ChannelName.SMS: "xinfang.notifications.channels.HttpSmsGateway",
    ChannelName.EMAIL: "xinfang.notifications.channels.SmtpEmail",
}

_MOBILE_MASK = re.compile(r"^1\d{2}\*{4}\d{4}$")  # people.identity.mask_phone of a mobile number
_EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_RETRY_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class Recipient:
    """An address as stored: encrypted, with its blind index and mask."""

    kind: str  # PHONE or EMAIL
    cipher: str
    digest: str
    mask: str
    petitioner_id: int | None = None


@dataclass(frozen=True)
class Message:
    to: str  # decrypted by the delivery job, for this attempt only
    subject: str
    text: str
    idempotency_key: str


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    provider_message_id: str = ""
    error: str = ""  # a Chinese message with its code; no full number or address
    permanent: bool = False  # refused: another attempt would be refused too


class Channel(Protocol):
    def accepts(self, recipient: Recipient) -> bool: ...

    def send(self, message: Message) -> DeliveryResult: ...


def clean_error(text: str) -> str:
    """A provider's error text fit to store and show: numbers and addresses removed, kept short."""
    text = _EMAIL_ADDRESS.sub("［已隐去］", remove_personal_numbers(text))
    return " ".join(text.split())[:120]


def _failure(code: ErrorCode, detail: str, *, permanent: bool) -> DeliveryResult:
    return DeliveryResult(ok=False, error=str(XinfangError(code, clean_error(detail))), permanent=permanent)


class HttpSmsGateway:
    """SMS through the configured HTTP gateway (the protocol is in the module docstring)."""

    def __init__(self) -> None:
        self.url = settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN
        self.timeout = settings.SMS_GATEWAY_TIMEOUT

    def accepts(self, recipient: Recipient) -> bool:
        # A landline cannot take a text message; the mask tells without decrypting.
        return recipient.kind == PHONE and _MOBILE_MASK.match(recipient.mask) is not None

    def send(self, message: Message) -> DeliveryResult:
        if not self.url.startswith(("http://", "https://")):
            return _failure(ErrorCode.NOTIFY_SMS_NOT_CONFIGURED, "", permanent=True)
        body = json.dumps(
            {"to": message.to, "text": message.text, "idempotency_key": message.idempotency_key},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = f"HTTP {error.code} {_error_text(error)}"
            permanent = 400 <= error.code < 500 and error.code not in _RETRY_STATUSES
            code = ErrorCode.NOTIFY_GATEWAY_REFUSED if permanent else ErrorCode.NOTIFY_GATEWAY_UNAVAILABLE
            return _failure(code, detail, permanent=permanent)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            return _failure(ErrorCode.NOTIFY_GATEWAY_UNAVAILABLE, str(reason), permanent=False)
        except ValueError:
            # Taken or not, we cannot tell: the retry carries the same key, so it sends at most once.
            return _failure(ErrorCode.NOTIFY_GATEWAY_UNAVAILABLE, "网关应答不是JSON", permanent=False)
        message_id = answer.get("message_id") if isinstance(answer, dict) else None
        if not message_id:
            return _failure(ErrorCode.NOTIFY_GATEWAY_UNAVAILABLE, "网关应答缺少 message_id", permanent=False)
        return DeliveryResult(ok=True, provider_message_id=str(message_id)[:200])


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(error.read() or b"{}")
    except (ValueError, OSError):
        return ""
    return str(answer.get("error", "")) if isinstance(answer, dict) else ""


class SmtpEmail:
    """Email over SMTP, one connection per message (notifications are few and far between)."""

    def __init__(self) -> None:
        self.host = settings.SMTP_HOST
        self.port = settings.SMTP_PORT
        self.user = settings.SMTP_USER
        self.password = settings.SMTP_PASSWORD
        self.sender = settings.SMTP_FROM
        self.tls = settings.SMTP_TLS
        self.timeout = settings.SMTP_TIMEOUT

    def accepts(self, recipient: Recipient) -> bool:
        return recipient.kind == EMAIL

    def send(self, message: Message) -> DeliveryResult:
        if not self.host or not self.sender:
            return _failure(ErrorCode.NOTIFY_SMTP_NOT_CONFIGURED, "", permanent=True)
        domain = self.sender.rpartition("@")[2] or "xinfang"
        message_id = f"<{message.idempotency_key}@{domain}>"
        email = EmailMessage()
        email["Subject"] = message.subject
        email["From"] = self.sender
        email["To"] = message.to
        email["Message-ID"] = message_id
        email.set_content(message.text)
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            permanent = all(code >= 500 for code in codes)
            code = ErrorCode.NOTIFY_SMTP_REFUSED if permanent else ErrorCode.NOTIFY_SMTP_UNAVAILABLE
            return _failure(code, f"SMTP {codes}", permanent=permanent)
        except smtplib.SMTPResponseException as error:
            detail = f"SMTP {error.smtp_code} {error.smtp_error!r}"
            permanent = error.smtp_code >= 500
            code = ErrorCode.NOTIFY_SMTP_REFUSED if permanent else ErrorCode.NOTIFY_SMTP_UNAVAILABLE
            return _failure(code, detail, permanent=permanent)
        except (smtplib.SMTPException, OSError) as error:  # connection refused, timeout, TLS
            return _failure(ErrorCode.NOTIFY_SMTP_UNAVAILABLE, type(error).__name__, permanent=False)
        return DeliveryResult(ok=True, provider_message_id=message_id)

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            try:
                smtp.starttls(context=ssl.create_default_context())
            except (smtplib.SMTPException, OSError):
                smtp.close()
                raise
        return smtp


def backend(name: str) -> Channel:
    """The backend of one channel; built per call, so changed settings (and tests) take effect."""
    path = {**DEFAULT_BACKENDS, **getattr(settings, "NOTIFY_BACKENDS", {})}[name]
    module_name, class_name = path.rsplit(".", 1)
    channel: Channel = getattr(import_module(module_name), class_name)()
    return channel


def configured_channels() -> list[tuple[str, Channel]]:
    """The channels in use, in order of preference; empty when notifications are off."""
    return [(name, backend(name)) for name in settings.NOTIFY_CHANNELS if name in ChannelName.values]


def route(recipient: Recipient, channels: list[tuple[str, Channel]]) -> str | None:
    """The first channel in use that can reach the recipient; None if none can (a landline, say)."""
    for name, channel in channels:
        if channel.accepts(recipient):
            return name
    return None
