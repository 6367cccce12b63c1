#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for the alert tests (aiosmtpd), keeping every message it
accepts as one JSON file in DIR: envelope sender and recipients, subject, the decoded text and
HTML parts, and the raw message.

    python3 scripts/smtp-sink.py DIR

It listens on a free port and prints `PORT <n>` once ready. AUTH is required when
SMTP_SINK_USER and SMTP_SINK_PASSWORD are set (offered without TLS: loopback only). With
SMTP_SINK_TLS=1 it makes a self-signed certificate for 127.0.0.1 (DIR/cert.pem, with the
openssl tool) and requires STARTTLS before anything else, AUTH included.
Recipients listed in DIR/reject (one per line) get `550` at RCPT, so a test can make a send
fail and then succeed. It stops when its standard input closes (the test ends), so it never
outlives the test that started it.
"""
import asyncio
import email
import email.policy
import json
import os
import ssl
import subprocess
import sys
import threading

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    sys.stderr.write("smtp-sink: aiosmtpd is not installed; run `scripts/install-deps.sh --test` "
                     "(python3 -m pip install -r scripts/test-requirements.txt)\n")
    sys.exit(3)


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    def rejected(self):
        try:
            with open(os.path.join(self.directory, "reject")) as f:
                return {line.strip().lower() for line in f if line.strip()}
        except FileNotFoundError:
            return set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected():
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["Subject"] or ""),
            "to": str(message["To"] or ""),
            "content_type": message.get_content_type(),
            "text": plain.get_content() if plain is not None else None,
            "html": html.get_content() if html is not None else None,
            "raw": (envelope.original_content or envelope.content).decode("utf-8", "replace"),
            "authenticated": bool(getattr(session, "authenticated", False)),
            "tls": getattr(session, "ssl", None) is not None,
        }
        name = os.path.join(self.directory, "%06d.json" % self.count)
        with open(name + ".tmp", "w") as f:
            json.dump(record, f)
        os.replace(name + ".tmp", name)
        return "250 2.0.0 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)
    return check


async def main(directory):
    sink = Sink(directory)
    user, password = os.environ.get("SMTP_SINK_USER"), os.environ.get("SMTP_SINK_PASSWORD")
    options = {}
    if user and password:
        options = {"authenticator": authenticator(user, password), "auth_required": True, "auth_require_tls": False}
    if os.environ.get("SMTP_SINK_TLS") == "1":
        cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options.update({"tls_context": context, "require_starttls": True, "auth_require_tls": True})
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="smtp-sink.test", **options), "127.0.0.1", 0)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True).start()
    await stop.wait()
    server.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: smtp-sink.py DIR")
    asyncio.run(main(sys.argv[1]))
