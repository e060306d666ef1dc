"""/stats against a day built with known durations, the chart with and without matplotlib,
/calibrate, and /export as a CSV file."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from telegram.ext import Application

from bot.app import build_application, prepare
from bot.domain.model import Office, to_ts
from bot.domain.visits import STEPS, Action
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI, LocalUser
from storage import agenda, bookings
from storage.db import Database
from tests.conftest import NOW, ROME
from tests.handlers.operators.conftest import ADMIN, OPERATOR
from tests.seed import book, rows, value

DAY = datetime(2026, 11, 25, 9, 0, tzinfo=ROME)
"""Yesterday, as the clock of the tests reads."""
BOOKED_ON = datetime(2026, 11, 20, 9, 0, tzinfo=ROME)


async def visit(db: Database, office: Office, service: str, start: datetime, desk: str,
                *, minutes: int | None = None, no_show: bool = False) -> int:
    booking = await book(db, office, service, start, BOOKED_ON, desk=desk)
    if minutes is not None:
        began = to_ts(start) + 60
        await db.write(agenda.take_step, booking, STEPS[Action.START], OPERATOR, began)
        await db.write(agenda.take_step, booking, STEPS[Action.END], OPERATOR,
                       began + minutes * 60)
    if no_show:
        await db.write(agenda.take_step, booking, STEPS[Action.NO_SHOW], OPERATOR,
                       to_ts(start) + 900)
    return booking


async def build_day(db: Database, office: Office) -> None:
    """Certificates timed at 8, 12, 14, 15 and 30 minutes (configured: 10); identity cards at 25
    and 35 (configured: 30); two no-shows; one booking left unmarked; one made and cancelled on
    the day."""
    for n, minutes in enumerate((8, 12, 14, 15, 30)):
        await visit(db, office, "certificati", DAY + timedelta(minutes=40 * n), "S07",
                    minutes=minutes)
    await visit(db, office, "cie", DAY, "S01", minutes=25)
    await visit(db, office, "cie", DAY + timedelta(hours=1), "S01", minutes=35)
    await visit(db, office, "cie_ritiro", DAY, "S02", no_show=True)
    await visit(db, office, "cie_ritiro", DAY + timedelta(minutes=10), "S02", no_show=True)
    await visit(db, office, "cie_ritiro", DAY + timedelta(minutes=20), "S02")
    late = await book(db, office, "tari", DAY.replace(hour=12), DAY - timedelta(hours=1))
    await db.write(bookings.cancel, late, to_ts(DAY), by="citizen")


@pytest.fixture
def no_matplotlib(app: Application) -> None:
    """As without the `charts` extra: no chart to draw."""
    app.bot_data["deps"] = replace(app.bot_data["deps"], chart=None)


async def test_stats_of_a_day_with_known_durations(
        operator: LocalUser, db: Database, office: Office, no_matplotlib: None,
        api: LocalBotAPI) -> None:
    await build_day(db, office)
    text = (await operator.send("/statistiche 25/11")).text
    assert "Statistiche da mercoledì 25 novembre 2026 a mercoledì 25 novembre 2026" in text
    assert "Prenotazioni fatte: 1 · annullate: 1" in text
    assert "Appuntamenti: 10 · serviti: 7 · assenti: 2" in text
    assert "Tasso di assenza: 22,2%" in text  # 2 of the 9 who came or were marked absent
    # booked five days ahead at 9:00; the 9th of 10 visits, at 11:00, is 5 days and 2 hours
    assert "Anticipo della prenotazione: mediana 5 giorni, il 90% entro 5,1 giorni" in text
    assert ("Certificati anagrafici: 14 · 30 · 10 (5 appuntamenti misurati) "
            "→ suggerito: 20 (codice certificati)") in text
    assert ("Carta d'identità elettronica — richiesta: 30 · 35 · 30 "
            "(2 appuntamenti misurati)\n") in text  # too few timed for a suggestion
    assert "Non ancora misurati: Carta d'identità elettronica — ritiro; Dichiarazioni" in text
    assert "/calibra" not in text  # the hint is for administrators
    assert not [call for call in api.calls if call[0] == "sendPhoto"]
    assert await rows(db, "SELECT action, detail FROM audit WHERE action = 'stats'") == [
        ("stats", "2026-11-25..2026-11-25")]


async def test_stats_with_a_chart_when_matplotlib_is_installed(
        admin: LocalUser, db: Database, office: Office, api: LocalBotAPI) -> None:
    pytest.importorskip("matplotlib")
    await build_day(db, office)
    await admin.send("/stats settimana")
    text = admin.messages[-2].text
    assert "Per applicare un suggerimento: /calibra codice minuti" in text
    photos = [params for method, params in api.calls if method == "sendPhoto"]
    assert len(photos) == 1
    assert admin.last.document is not None


async def test_wrong_periods_are_explained(operator: LocalUser) -> None:
    reply = await operator.send("/statistiche ieri-l'altro")
    assert "Non capisco ieri-l'altro" in reply.text
    assert "settimana, mese, anno" in reply.text
    assert "al massimo 366 giorni" in (await operator.send("/stats 1/1/2024-1/1/2026")).text


async def test_calibrate_applies_to_future_availability_and_survives_a_restart(
        admin: LocalUser, db: Database, app: Application, office: Office, clock: FakeClock,
        api: LocalBotAPI) -> None:
    reply = await admin.send("/calibra certificati 20")
    assert "Certificati anagrafici ora dura 20 minuti (prima 10)" in reply.text
    assert app.bot_data["deps"].office.services["certificati"].duration == 20
    assert await rows(db, "SELECT service, minutes, set_by FROM service_durations") == [
        ("certificati", 20, ADMIN)]
    assert await value(db, "SELECT detail FROM audit WHERE action = 'calibrate'") == (
        "certificati=20")
    await admin.send("/aggiungi")
    await admin.press("Certificati anagrafici")
    await admin.press("gio 26 nov")
    assert "12:40" in admin.last.buttons()
    assert "12:50" not in admin.last.buttons()  # 20 minutes no longer fit before 13:00
    restarted = build_application(office, db, request=api, clock=clock)
    async with restarted:
        await prepare(restarted)
        assert restarted.bot_data["deps"].office.services["certificati"].duration == 20


@pytest.mark.parametrize("args", ["", "certificati", "certificati 15", "certificati 0",
                                  "nessuno 20", "certificati 250", "certificati venti",
                                  "certificati ²"])
async def test_calibrate_explains_what_it_needs(admin: LocalUser, db: Database,
                                                args: str) -> None:
    reply = await admin.send(f"/calibra {args}")
    assert "Scriva /calibra servizio minuti" in reply.text
    assert "• certificati: Certificati anagrafici, 10 min" in reply.text
    assert await value(db, "SELECT count(*) FROM service_durations") == 0


async def test_export_is_a_csv_a_spreadsheet_reads(operator: LocalUser, db: Database,
                                                   office: Office) -> None:
    await book(db, office, "cie", NOW.replace(hour=10), NOW, desk="S01", name="=SOMMA(A1)",
               note='Porta; "tutto"\nanche il resto')
    await book(db, office, "tari", NOW.replace(hour=11), NOW, desk="S24", name="Àngela Müller")
    await operator.send("/esporta")
    sent = operator.last
    assert sent.document is not None
    filename, content = sent.document
    assert filename == "agenda-2026-11-26.csv"
    assert sent.text == "2 prenotazioni"
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.count("\r\n") == 3  # header, two rows; the note's line break stays quoted
    assert '"Porta; ""tutto""\nanche il resto"' in text
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert table[0][:5] == ["Data", "Ora", "Fino alle", "Sportello", "Servizio"]
    assert table[1][:4] == ["2026-11-26", "10:00", "10:30", "S01"]
    assert table[1][7] == "'=SOMMA(A1)"  # a formula made harmless
    assert table[1][8] == "RSSMRA85T10A562S"
    assert table[1][9] == 'Porta; "tutto"\nanche il resto'
    assert table[2][7] == "Àngela Müller"
    assert await value(db, "SELECT detail FROM audit WHERE action = 'export'") == (
        "2026-11-26..2026-11-26")


async def test_export_of_a_period_and_of_nothing(operator: LocalUser, db: Database,
                                                 office: Office) -> None:
    assert (await operator.send("/export domani")).text == "Nessuna prenotazione in quel periodo."
    await book(db, office, "cie", NOW.replace(hour=10) + timedelta(days=1), NOW)
    await operator.send("/export 26/11-30/11")
    assert operator.last.document is not None
    assert operator.last.document[0] == "agenda-2026-11-26_2026-11-30.csv"
