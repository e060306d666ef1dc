"""Prometheus metrics of a webhook deployment (prometheus-client), served at /metrics.

Two kinds, concatenated in one answer:
- what a worker counts as it goes (updates received and processed, their latency, errors);
  with several workers on one machine (`sportello serve --workers N`) each process writes its
  counts to PROMETHEUS_MULTIPROC_DIR and whichever answers the scrape adds them all up;
- what the database says at the moment of the scrape (bookings made, the outbox's backlog and
  what it sent, the inbox's backlog, whether a worker holds the jobs): the same from every
  worker of the deployment, however many machines.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from storage.monitoring import Figures

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """One worker's own counts, in its own registry (several workers can live in one test)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.received = Counter(
            "sportello_updates_received", "Updates received through the webhook: new, or a "
            "second delivery of one received before (ignored).", ["delivery"],
            registry=self.registry)
        self.processed = Counter(
            "sportello_updates_processed", "Updates processed through the application.",
            registry=self.registry)
        self.latency = Histogram(
            "sportello_update_latency_seconds", "From an update's receipt to the end of its "
            "processing (queueing included).", buckets=LATENCY_BUCKETS, registry=self.registry)
        self.errors = Counter(
            "sportello_errors", "Errors: in a handler, in a worker's own loops, or a webhook "
            "request refused as malformed.", ["where"], registry=self.registry)

    def exposition(self, figures: Figures) -> bytes:
        if os.environ.get(MULTIPROCESS_DIR):
            counted = CollectorRegistry()
            MultiProcessCollector(counted)  # type: ignore[no-untyped-call]  # untyped upstream
        else:
            counted = self.registry
        read = CollectorRegistry()
        read.register(_FromDatabase(figures))
        return generate_latest(counted) + generate_latest(read)


class _FromDatabase(Collector):
    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        found = self.figures
        yield CounterMetricFamily("sportello_bookings_made", "Bookings ever written (any state).",
                                  value=found.bookings_made)
        yield GaugeMetricFamily("sportello_outbox_backlog", "Outbox messages due and not sent.",
                                value=found.outbox_due)
        yield CounterMetricFamily("sportello_outbox_sent", "Outbox messages sent (its rate is "
                                  "the send rate).", value=found.outbox_sent)
        yield CounterMetricFamily("sportello_outbox_failed", "Outbox messages given up.",
                                  value=found.outbox_failed)
        yield GaugeMetricFamily("sportello_inbox_backlog", "Updates received, not yet processed.",
                                value=found.inbox_pending)
        yield GaugeMetricFamily("sportello_jobs_leader", "1 while a worker holds the jobs' "
                                "lease (runs the outbox and the periodic jobs).",
                                value=int(found.jobs_leader))
