"""Service durations set with /calibrate; they override the office file's."""

from __future__ import annotations

from storage import audit
from storage.engine import Connection


def set_duration(conn: Connection, service: str, minutes: int, by: int,
                 now: int) -> None:
    conn.execute(
        "INSERT INTO service_durations (service, minutes, set_by, set_ts) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (service) DO UPDATE SET minutes = excluded.minutes,"
        " set_by = excluded.set_by, set_ts = excluded.set_ts",
        (service, minutes, by, now),
    )
    audit.record(conn, now, by, "calibrate", detail=f"{service}={minutes}")


def all_durations(conn: Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT service, minutes FROM service_durations").fetchall())
