"""``python -m services.mailing.emulator``: run the Campaign Monitor emulator until Ctrl-C, printing the
settings that point Piiri at it (CAMPAIGN_MONITOR_BASE_URI, _API_KEY, _CLIENT_ID, _CA_FILE). ``--smtp
HOST:PORT`` (or PIIRI_CM_EMULATOR_SMTP) delivers the campaigns' mails there."""

import argparse
import os
import time

from services.mailing.emulator import server


def main():
    parser = argparse.ArgumentParser(description="A local Campaign Monitor (API v3.3) for Piiri.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PIIRI_CM_EMULATOR_PORT", 8025)))
    parser.add_argument("--api-key", default=os.environ.get("PIIRI_CAMPAIGN_MONITOR_API_KEY", "emulator-key"))
    parser.add_argument(
        "--client-id", default=os.environ.get("PIIRI_CAMPAIGN_MONITOR_CLIENT_ID", "emulator-client")
    )
    parser.add_argument("--cert-dir", default=os.environ.get("PIIRI_CM_EMULATOR_DIR", "var/cm-emulator"))
    parser.add_argument(
        "--smtp",
        default=os.environ.get("PIIRI_CM_EMULATOR_SMTP", ""),
        help="HOST:PORT of the SMTP server that gets the campaign mails (none: they are not delivered)",
    )
    args = parser.parse_args()
    try:
        smtp = server.smtp_target(args.smtp)
    except ValueError as exc:
        parser.error(str(exc))
    running = server.start(args.api_key, args.client_id, args.cert_dir, port=args.port, smtp=smtp)
    print(f"PIIRI_CAMPAIGN_MONITOR_BASE_URI={running.base_uri}")
    print(f"PIIRI_CAMPAIGN_MONITOR_API_KEY={args.api_key}")
    print(f"PIIRI_CAMPAIGN_MONITOR_CLIENT_ID={args.client_id}")
    print(f"PIIRI_CAMPAIGN_MONITOR_CA_FILE={os.path.abspath(running.cert_path)}", flush=True)
    print(f"campaign mails go to {args.smtp or 'no SMTP server (--smtp HOST:PORT)'}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        running.stop()


if __name__ == "__main__":
    main()
