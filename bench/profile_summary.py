#!/usr/bin/env python
"""Summarise a py-spy profile in collapsed-stack form (`load_bench.py --profile DIR` writes them; so does
`py-spy record --format raw`): each function's share of the samples, inclusive (it or anything it called
was running; counted once per stack) and self (it was the innermost frame), the largest first.

    .venv/bin/python bench/profile_summary.py /tmp/prof/search-by-name-1gw-contacts1.txt
    .venv/bin/python bench/profile_summary.py FILE --top 60 --match 'services/|gateway/|piiri/'
"""

import argparse
import re
import sys
from collections import Counter

FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def frame_name(frame):
    """'search (/x/.venv/lib/python3.11/site-packages/sqlalchemy/orm/session.py:12)' ->
    'search (sqlalchemy/orm/session.py)'; the project's own files relative to the checkout."""
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match.group("file").split("site-packages/")[-1]
    for root in ("/services/", "/gateway/", "/piiri/", "/bench/"):
        if root in path:
            path = root.lstrip("/") + path.split(root, 1)[1]
            break
    return f"{match.group('function')} ({path})"


def summarise(lines):
    """(total samples, inclusive Counter, self Counter) of collapsed-stack lines 'a;b;c 12'."""
    inclusive, innermost, total = Counter(), Counter(), 0
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        names = [frame_name(frame) for frame in stack.split(";")]
        for name in set(names):
            inclusive[name] += samples
        innermost[names[-1]] += samples
    return total, inclusive, innermost


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", help="a collapsed-stack file")
    parser.add_argument("--top", type=int, default=40, help="functions to list (default 40)")
    parser.add_argument("--match", help="only functions whose name or file matches this regular expression")
    args = parser.parse_args(argv)
    with open(args.profile) as handle:
        total, inclusive, innermost = summarise(handle)
    if not total:
        raise SystemExit(f"{args.profile}: no samples")
    wanted = re.compile(args.match) if args.match else None
    print(f"{args.profile}: {total} samples; inclusive % / self % of them")
    shown = 0
    for name, samples in inclusive.most_common():
        if wanted and not wanted.search(name):
            continue
        print(f"{100 * samples / total:6.1f} {100 * innermost[name] / total:6.1f}  {name}")
        shown += 1
        if shown >= args.top:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
