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
from bot.domain.booking import Channel
from bot.domain.model import Office, to_ts
from bot.domain.visits import STEPS, Action
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage import agenda, bookings
from storage.db import Database
from tests.conftest import NOW, ROME, UserFactory
from tests.handlers.operators.conftest import ADMIN, OPERATOR
from tests.seed import book, request, rows, value

DAY = datetime(2026, 11, 25, 9, 0, tzinfo=ROME)
"""Yesterday, as the clock of the tests reads."""
BOOKED_ON = datetime(2026, 11, 20, 9, 0, tzinfo=ROME)


async def visit(db: Database, office: Office, service: str, start: datetime, desk: str,
                *, minutes: int | None = None, no_show: bool = False,
                arrived: datetime | None = None, started: datetime | None = None,
                ended: datetime | None = None, channel: Channel = Channel.CHAT,
                booked_on: datetime = BOOKED_ON) -> int:
    """A booking and the steps of its visit; `minutes` at the desk from a minute past `start`."""
    by_operator = channel in (Channel.PHONE, Channel.DESK)
    booking = await book(db, office, service, start, booked_on, desk=desk, channel=channel,
                         created_by=OPERATOR if by_operator else None)
    if minutes is not None:
        started = start + timedelta(minutes=1)
        ended = started + timedelta(minutes=minutes)
    steps = ((Action.ARRIVED, arrived), (Action.START, started), (Action.END, ended),
             (Action.NO_SHOW, start + timedelta(minutes=15) if no_show else None))
    for action, moment in steps:
        if moment is not None:
            await db.write(agenda.take_step, booking, STEPS[action], OPERATOR, to_ts(moment))
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
    """matplotlib is installed wherever the tests run (the `charts` extra): this never skips."""
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
               note='Porta; "tutto"\nanche il resto', phone="+39 333 123 4567")
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
    assert table[0][10] == "Telefono"
    assert table[1][10] == "'+39 333 123 4567"  # text, not a formula, to a spreadsheet
    assert table[2][10] == ""
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


async def stats_text(user: LocalUser, command: str) -> str:
    """The text of /stats, followed by its chart."""
    await user.send(command)
    assert user.last.document is not None  # the chart
    return user.messages[-2].text


def at(hour: int, minute: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


async def build_waits(db: Database, office: Office) -> None:
    """At one desk, certificates booked at 9:00 (came early, started 9:02), 9:10 (by phone; came
    at 9:20, started 9:21) and 9:20 (from the waiting list; no arrival marked, started 9:28,
    12 minutes for a 10-minute slot); at another a walk-in entered at 9:05 and started at 9:15;
    a no-show at a third."""
    await visit(db, office, "certificati", at(9), "S07", arrived=at(8, 55), started=at(9, 2),
                ended=at(9, 12))
    await visit(db, office, "certificati", at(9, 10), "S07", arrived=at(9, 20),
                started=at(9, 21), ended=at(9, 30), channel=Channel.PHONE)
    await visit(db, office, "certificati", at(9, 20), "S07", started=at(9, 28),
                ended=at(9, 40), channel=Channel.WAITLIST)
    await visit(db, office, "certificati", at(9), "S08", started=at(9, 15), ended=at(9, 25),
                channel=Channel.DESK, booked_on=at(9, 5))
    await visit(db, office, "certificati", at(9), "S09", no_show=True)


async def test_waiting_punctuality_and_channels_come_first(
        operator: LocalUser, db: Database, office: Office) -> None:
    await build_waits(db, office)
    text = await stats_text(operator, "/statistiche 25/11")
    lines = text.splitlines()
    assert lines[:9] == [
        "Statistiche da mercoledì 25 novembre 2026 a mercoledì 25 novembre 2026",
        "",
        "Attesa, dall'orario prenotato (o dall'arrivo, se più tardi) all'inizio allo sportello",
        "Appuntamenti prenotati: mediana 2 min, il 90% entro 8 min (3 misurati)",
        "Attesa zero (iniziati entro 5 min): 67%",
        "Senza prenotazione: mediana 10 min, il 90% entro 10 min, attesa zero 0% (1 misurato)",
        "Inizio rispetto all'orario prenotato: mediana +8 min; in ritardo (oltre 5 min): 67%",
        "Oltre il tempo previsto: 25% dei 4 appuntamenti misurati, di 2 min (mediana), il 90% "
        "entro 2 min",
        "",
    ]
    assert lines[9:12] == [
        "Prenotati online: 50% di 4 appuntamenti · obiettivo 20%: raggiunto",
        "In chat 1 · dalla lista d'attesa 1 · per telefono 1 · senza prenotazione 1",
        "",
    ]
    assert ("Attesa per servizio (minuti: mediana · 90% · attesa zero · inizi in ritardo)\n"
            "Certificati anagrafici: 2 · 8 · 67% · 67% (3)") in text
    assert ("Attesa per sportello (minuti: mediana · 90% · attesa zero · inizi in ritardo)\n"
            "Sportello 7: 2 · 8 · 67% · 67% (3)\n\n") in text  # the walk-in's desk is not listed
    assert text.index("Prenotazioni fatte") > text.index("Attesa per sportello")
    assert "Appuntamenti: 5 · serviti: 4 · assenti: 1" in text


async def test_in_english_the_online_share_rises_week_by_week(
        make_user: UserFactory, db: Database, office: Office) -> None:
    """Wednesdays of November: no visit booked online in the first week, one of two in the
    second, all in the third (two) and the fourth (three)."""
    admin = make_user(ADMIN, language_code="en")
    wednesdays = [datetime(2026, 11, day, 9, 0, tzinfo=ROME) for day in (4, 11, 18, 25)]
    plan = [(Channel.PHONE, Channel.DESK), (Channel.CHAT, Channel.PHONE),
            (Channel.CHAT, Channel.WAITLIST), (Channel.CHAT, Channel.CHAT, Channel.WAITLIST)]
    for wednesday, channels in zip(wednesdays, plan, strict=True):
        for n, channel in enumerate(channels):
            start = wednesday + timedelta(minutes=10 * n)
            await visit(db, office, "certificati", start, "S07", channel=channel,
                        booked_on=datetime(2026, 10, 1, 9, tzinfo=ROME), started=start,
                        ended=start + timedelta(minutes=10))
    text = await stats_text(admin, "/stats 2/11-25/11")
    assert text.startswith("Statistics from Monday 2 November 2026 to Wednesday 25 November "
                           "2026\n\nWaiting, from the booked time (or the arrival, "
                           "if later) to the start at the desk\nBooked visits: median 0 min, 90% "
                           "within 0 min (8 measured)\nZero wait (started within 5 min): "
                           "100%\n")
    assert ("Booked online: 67% of 9 visits · target 20%: reached\n"
            "In the chat 4 · from the waiting list 2 · by phone 2 · walk-in 1\n"
            "Week by week: 2 Nov 0% · 9 Nov 50% · 16 Nov 100% · 23 Nov 100%\n"
            "Trend: +33.3 points a week\n") in text
    assert "Over their slot: none of the 9 visits timed." in text
    assert "Waiting per desk (minutes: median · 90% · zero wait · late starts)" in text


async def test_a_suggestion_says_what_it_would_have_done_to_late_starts(
        admin: LocalUser, db: Database, office: Office) -> None:
    """Five certificates booked every 10 minutes that each took 15: the last three started late;
    20-minute slots would have started them all on time."""
    for n in range(5):
        start = at(9, 15 * n) if n < 4 else at(10)
        await visit(db, office, "certificati", at(9, 10 * n), "S07", started=start,
                    ended=start + timedelta(minutes=15))
    text = await stats_text(admin, "/statistiche 25/11")
    assert ("Certificati anagrafici: 15 · 15 · 10 (5 appuntamenti misurati) → suggerito: 20"
            " (codice certificati); inizi in ritardo, ricalcolati: 3 → 0 su 5") in text
    assert text.endswith("\n\nPer applicare un suggerimento: /calibra codice minuti")


async def test_export_has_each_visit_s_channel_and_wait(operator: LocalUser, db: Database,
                                                        office: Office) -> None:
    await build_waits(db, office)
    await operator.send("/esporta 25/11")
    assert operator.last.document is not None
    table = list(csv.reader(io.StringIO(operator.last.document[1].decode("utf-8-sig"),
                                        newline=""), delimiter=";"))
    assert table[0][11:] == ["Canale", "Confermata", "Arrivato", "Iniziato", "Finito",
                             "Minuti allo sportello", "Minuti di attesa"]
    assert [(row[0:2] + row[3:4] + row[11:12] + row[13:]) for row in table[1:]] == [
        ["2026-11-25", "09:00", "S07", "chat", "08:55", "09:02", "09:12", "10", "2"],
        ["2026-11-25", "09:00", "S08", "senza prenotazione", "", "09:15", "09:25", "10", "10"],
        ["2026-11-25", "09:00", "S09", "chat", "", "", "", "", ""],
        ["2026-11-25", "09:10", "S07", "telefono", "09:20", "09:21", "09:30", "9", "1"],
        ["2026-11-25", "09:20", "S07", "lista d'attesa", "", "09:28", "09:40", "12", "8"],
    ]


@pytest.mark.parametrize(("lang", "line", "made"), [
    ("it", "Prenotazioni spostate: 1", "Prenotazioni fatte: 1 · annullate: 0"),
    ("en", "Bookings moved: 1", "Bookings made: 1 · cancelled: 0")])
async def test_stats_count_a_move_on_its_own_line(
        make_user: UserFactory, db: Database, office: Office, no_matplotlib: None, lang: str,
        line: str, made: str) -> None:
    """A move is not a booking plus a cancellation: the same booking, one move."""
    booked = await book(db, office, "tari", DAY.replace(hour=12), DAY - timedelta(hours=1))
    moved = replace(request(office, "tari", DAY.replace(hour=15)), replaces=booked)
    result = await db.write(bookings.book, moved, to_ts(DAY))
    assert isinstance(result, bookings.Booked)
    assert (result.id, result.sequence) == (booked, 1)
    text = (await make_user(ADMIN, language_code=lang).send("/statistiche 25/11")).text
    assert line in text
    assert made in text
    assert await rows(db, "SELECT booking_id FROM booking_times") == [(booked,)]
