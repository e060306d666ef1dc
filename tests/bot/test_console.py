"""`sportello console`: a whole booking typed line by line, by numbers and text."""

from __future__ import annotations

import io
import re
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest

from bot.console import chat
from bot.domain.model import Office

LINES = [
    "/start",
    "/prenota",
    "1",  # Anagrafe e stato civile
    "1",  # Carta d'identità elettronica — richiesta
    "1",  # ⏩ Primo orario disponibile
    "Mario Rossi",
    "rssmra85t10a390l",
    "1",  # Salta
    "1",  # ✅ Conferma
    "/appuntamenti",
    "99",  # no such button: sent as text
]


async def test_a_whole_booking_in_the_console(office: Office, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the .ics file is saved
    out = io.StringIO()
    await chat(office, tmp_path / "console.db", 4242, "it",
               lines=io.StringIO("\n".join(LINES) + "\n"), out=out)
    screen = out.getvalue()

    assert screen.startswith("Sportello console.")
    assert "Benvenuto allo Sportello Unico" in screen
    assert "[1] Anagrafe e stato civile" in screen
    assert "[4] Tributi" in screen
    assert "(edited) Bot:" in screen
    assert "[1] Carta d'identità elettronica — richiesta" in screen
    assert "[1] ⏩ Primo orario disponibile" in screen
    assert re.search(r"\(Tenuto per lei: \w+ \d+ \w+ \d{4}, \d\d:\d\d\)", screen)
    assert "Codice fiscale: RSSMRA*******90L" in screen
    assert "[1] ✅ Conferma" in screen
    assert "✅ Prenotato." in screen
    saved = re.search(r"\[file ([A-Z2-9]{6})\.ics, \d+ bytes, saved as (\S+)\]", screen)
    assert saved is not None
    code = saved[1]
    assert Path(saved[2]) == tmp_path / f"{code}.ics"
    assert f"Codice prenotazione: {code}" in screen.split("I suoi appuntamenti")[1]
    assert f"[1] Sposta {code}   [2] Annulla {code}" in screen
    assert screen.rstrip().endswith("Per prenotare un appuntamento invii /prenota.\n  \n"
                                    "  /prenota — prenota un appuntamento\n"
                                    "  /appuntamenti — i suoi appuntamenti: sposta o annulla\n"
                                    "  /attesa — i suoi posti nelle liste d'attesa\n"
                                    "  /lingua — cambia lingua\n"
                                    "  /privacy — come usiamo i suoi dati\n"
                                    "  /cancelladati — cancella i suoi dati personali\n"
                                    "  /annulla — interrompe l'operazione in corso\n"
                                    "  /aiuto — cosa posso fare\n>")
    assert stored(tmp_path, code) == (
        [(code, 4242, "Mario Rossi", "RSSMRA85T10A390L", "booked")], True)


def stored(folder: Path, code: str) -> tuple[list[tuple], bool]:
    """The bookings in the console's database, and whether the saved file is an event."""
    with closing(sqlite3.connect(folder / "console.db")) as conn:
        booked = conn.execute("SELECT code, user_id, name, codice_fiscale, status"
                              " FROM bookings").fetchall()
    return booked, b"BEGIN:VEVENT" in (folder / f"{code}.ics").read_bytes()
