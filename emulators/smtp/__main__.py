"""``python -m emulators.smtp``: run the SMTP emulator until Ctrl-C, printing the settings that point Piiri
at it (SMTP_HOST, SMTP_PORT) and the address of its page."""

import argparse
import os
import time

from emulators.smtp.server import serve


def main():
    parser = argparse.ArgumentParser(description="A local SMTP server with a page for Piiri's mails.")
    parser.add_argument(
        "--smtp-port", type=int, default=int(os.environ.get("PIIRI_SMTP_EMULATOR_PORT", 1025))
    )
    parser.add_argument(
        "--web-port", type=int, default=int(os.environ.get("PIIRI_SMTP_EMULATOR_WEB_PORT", 1080))
    )
    parser.add_argument("--dsn-url", default=os.environ.get("PIIRI_SMTP_EMULATOR_DSN_URL"))
    args = parser.parse_args()
    running = serve(args.smtp_port, args.web_port, dsn_url=args.dsn_url)
    for key, value in running.settings().items():
        print(f"PIIRI_{key}={value}")
    print(f"Mails at {running.url}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        running.stop()


if __name__ == "__main__":
    main()
