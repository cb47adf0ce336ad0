#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): accepts every mail on 127.0.0.1:PORT and writes each one, exactly
as received, to its own .eml file in DIRECTORY. It runs until it is killed.

    smtp_sink.py PORT DIRECTORY

.ci/run installs aiosmtpd into .ci/venv; the harness (tests/src/smtp.rs) starts this script with that Python.
"""

import os
import sys
import threading
import time
import uuid

try:
    from aiosmtpd.controller import Controller
except ImportError:
    sys.stderr.write("aiosmtpd is missing: run .ci/run, or `python3 -m venv .ci/venv && .ci/venv/bin/pip install aiosmtpd`\n")
    sys.exit(3)


class SaveEachMail:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex}"
        partial = os.path.join(self.directory, name + ".part")
        with open(partial, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        # Renamed only once whole, so a reader never sees half a mail.
        os.rename(partial, os.path.join(self.directory, name + ".eml"))
        return "250 OK: queued"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(SaveEachMail(directory), hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
