"""A local mail server (aiosmtpd) that keeps what it is given, for the e-mail tests."""
from __future__ import annotations

import email
import email.policy
from contextlib import contextmanager

from tests.helpers import free_port


class Inbox:
    """Every message the server accepts, as (sender, recipients, parsed message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [m["Subject"] for _, _, m in self.messages]


@contextmanager
def mail_server(port: int | None = None):
    """(controller, inbox) of a running local SMTP server on ``port`` (default: a free one)."""
    from aiosmtpd.controller import Controller
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def smtp_settings(port: int) -> dict:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_TLS": "none",
            "SMTP_FROM": "baocao@xamau.gov.vn", "REPORT_RECIPIENTS": ["chutich@xamau.gov.vn", "vanphong@xamau.gov.vn"]}
