"""Run the emulator on its own: ``python -m emulators.limesurvey [--host H] [--port P] [--user U]
[--password W] [--demo]`` (with --demo the demo surveys of demo.py; otherwise an empty installation where a
client adds surveys' responses through RemoteControl 2). Prints the endpoint URL, then serves until killed."""

import argparse
import time

from emulators.limesurvey.demo import DEMO_USER, demo_installation
from emulators.limesurvey.server import serve
from emulators.limesurvey.state import Installation


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m emulators.limesurvey", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--user", default=DEMO_USER[0])
    parser.add_argument("--password", default=DEMO_USER[1])
    parser.add_argument("--demo", action="store_true", help="the demo surveys (one with responses)")
    parser.add_argument(
        "--survey", action="append", default=[], metavar="SID:TITLE:CODE,CODE…",
        help="an empty survey with a participants table and these question codes (repeatable)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    installation = demo_installation() if args.demo else Installation()
    installation.users = {args.user: args.password}
    installation.max_emails = 10**9
    for spec in args.survey:
        sid, title, codes = spec.split(":", 2)
        installation.add_survey(
            int(sid), title, questions=[(code, code) for code in codes.split(",")], attributes=2
        )
    server = serve(installation, args.host, args.port)
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
