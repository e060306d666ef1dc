"""The network every benchmark that talks to the in-process Bot API assumes, from its command
line: `--latency-ms` (the round trip) and `--jitter-ms` (added to it, at most)."""

from __future__ import annotations

import argparse

from bot.testing.local_api import RoundTrip


def add_arguments(parser: argparse.ArgumentParser, latency_ms: float = 0.0) -> None:
    parser.add_argument("--latency-ms", type=float, default=latency_ms,
                        help=f"round trip of every Bot API call (default {latency_ms:g})")
    parser.add_argument("--jitter-ms", type=float, default=None,
                        help="at most this much more, at random (default: a tenth of the round "
                             "trip)")
    parser.add_argument("--seed", type=int, default=2026, help="of the jitter")


def round_trip(args: argparse.Namespace) -> RoundTrip:
    jitter = args.latency_ms / 10 if args.jitter_ms is None else args.jitter_ms
    return RoundTrip(args.latency_ms / 1000, jitter / 1000, args.seed)
