#!/usr/bin/python3
"""A real SMTP server for the email channel's tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 and a free port, prints "PORT <n>" once it accepts connections, and appends
one JSON line per event to --out:
  {"event": "auth", "mechanism": "PLAIN", "login": "alice", "ok": true}
  {"event": "message", "mail_from": "...", "rcpt_tos": [...], "tls": true, "content": "<raw>",
   "subject": "...", "from": "...", "to": "...", "content_type": "text/html", "charset": "utf-8",
   "body": "<the decoded body>"}

Modes: plain (no TLS), starttls (STARTTLS required before MAIL; AUTH offered only after it),
tls (implicit TLS from the first byte). With --user/--password, AUTH LOGIN and PLAIN are offered
and required. Recipients at @refused.example are refused with 550. Runs until killed.
"""
import argparse
import asyncio
import email
import email.policy
import json
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["plain", "starttls", "tls"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--exclude-auth", action="append", default=[],
                        help="an AUTH mechanism not to offer (LOGIN or PLAIN)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    out = open(args.out, "a", encoding="utf-8")

    def record(event):
        out.write(json.dumps(event) + "\n")
        out.flush()

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower().endswith("@refused.example"):
                return "550 5.1.1 <%s>: mailbox unavailable" % address
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            record({
                "event": "message",
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "tls": session.ssl is not None or args.mode == "tls",
                "content": envelope.original_content.decode("utf-8", "replace"),
                "subject": str(parsed["subject"]),
                "from": str(parsed["from"]),
                "to": str(parsed["to"]),
                "content_type": parsed.get_content_type(),
                "charset": parsed.get_content_charset(),
                "body": parsed.get_content(),
            })
            return "250 2.0.0 queued"

    def authenticator(server, session, envelope, mechanism, auth_data):
        login = password = b""
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login, auth_data.password
        ok = login.decode() == args.user and password.decode() == args.password
        record({"event": "auth", "mechanism": mechanism, "login": login.decode(), "ok": ok})
        return AuthResult(success=ok, handled=False)  # False: the server answers 535

    tls = None
    if args.mode != "plain":
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)

    kwargs = {"hostname": "warden-test-smtp"}
    if args.mode == "starttls":
        kwargs.update(tls_context=tls, require_starttls=True)
    if args.user:
        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=(args.mode == "starttls"),
                      auth_exclude_mechanism=args.exclude_auth)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return SMTP(Handler(), loop=loop, **kwargs)

    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=0, ssl=tls if args.mode == "tls" else None))
    port = server.sockets[0].getsockname()[1]
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    print("PORT %d" % port, flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        out.close()


if __name__ == "__main__":
    sys.exit(main())
