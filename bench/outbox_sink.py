"""An email backend for the outbox benchmark: each send appends its Message-ID to a file (OUTBOX_BENCH_SINK).

One write(2) per message on a file opened with O_APPEND: a worker killed with SIGKILL leaves whole lines,
so duplicates (a Message-ID twice) and losses (a Message-ID never) can be counted afterwards.
"""

import os

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        descriptor = os.open(os.environ["OUTBOX_BENCH_SINK"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            for message in email_messages:
                message.message()  # build the MIME message as an SMTP backend would
                os.write(descriptor, f"{message.extra_headers['Message-ID']}\n".encode())
        finally:
            os.close(descriptor)
        return len(email_messages)
