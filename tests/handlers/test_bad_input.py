"""Bad input of every kind (issue 3, item 6): each gets a clear answer in the citizen's language
and a way on, never the apology of handlers/errors.py, and never a booking that should not be."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import Update
from telegram.ext import Application

from bot.domain.model import Office
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from handlers.common import answer
from storage.db import Database
from tests.conftest import NOW, UserFactory
from tests.handlers.conftest import (
    CF,
    FRIDAY,
    Steps,
    book_directly,
    data_ending,
    fill,
    no_errors,
    time_arg,
)
from tests.seed import codice_fiscale_of, rows

INVALID_BUTTON = "Questo pulsante non è più valido."
GO_ON = "Riprendiamo da qui:"
NO_TIME = "Ci dispiace, quell'orario non è più disponibile."
NO_DAY = "In quel giorno non si può prenotare alcun orario"


async def nothing_booked(db: Database) -> None:
    assert await rows(db, "SELECT count(*) FROM bookings") == [(0,)]


async def draft_step(db: Database, user: LocalUser) -> str | None:
    found = await rows(db, "SELECT step FROM drafts WHERE user_id = ?", user.id)
    return found[0][0] if found else None


async def test_text_where_a_button_is_expected_shows_the_step_again(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_days(user)
    reply = await user.send("venerdì alle nove")
    assert reply.text.startswith("Usi i pulsanti qui sotto, per favore.")
    assert "Scelga un giorno" in reply.text
    assert any(b.startswith("⏩") for b in reply.buttons())
    assert await draft_step(db, user) == "day"
    await nothing_booked(db)
    no_errors(user)


async def test_a_button_of_an_earlier_step_is_refused_and_the_current_step_shown(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_days(user)
    days = user.last_with_buttons()
    saturday = data_ending(days, "day:20261128")
    await steps.choose(user, f"day:{FRIDAY:%Y%m%d}")
    await steps.choose(user, time_arg(FRIDAY))  # the same message, edited into later steps
    toast = await user.press_data(saturday, days)
    assert toast == INVALID_BUTTON
    assert user.last.text.startswith(GO_ON)
    assert "nome e cognome" in user.last.text

    name_step = user.last_with_buttons()
    back = data_ending(name_step, ":back")
    await user.send("Mario Rossi")  # a new message: the buttons of the one before are gone...
    assert name_step.keyboard == []
    current = user.last
    toast = await user.press_data(back, name_step)  # ...but an old client may still send one
    assert toast == INVALID_BUTTON
    assert user.last is current  # the current step stays as it is, its buttons valid
    assert "Ora scriva il codice fiscale di Mario Rossi." in current.text
    assert current.keyboard
    assert await draft_step(db, user) == "codice_fiscale"
    held = await rows(db, "SELECT start_ts FROM holds WHERE owner = ?", user.id)
    assert held == [(int(FRIDAY.timestamp()),)]  # the time held is still the one chosen
    no_errors(user)


async def test_a_button_from_a_previous_book_conversation(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    first = await user.send("/book")
    old = data_ending(first, "cat:anagrafe")
    await user.send("/book")
    toast = await user.press_data(old, first)
    assert toast == INVALID_BUTTON
    assert "Di che cosa si tratta?" in user.last.text
    assert user.last.message_id > first.message_id
    assert user.last.keyboard
    assert await draft_step(db, user) == "category"
    no_errors(user)


async def test_a_button_after_the_booking_is_done(make_user: UserFactory, steps: Steps,
                                                  db: Database) -> None:
    user = make_user()
    await steps.to_summary(user)
    summary = user.last_with_buttons()
    confirm = data_ending(summary, ":ok")
    await steps.choose(user, "ok")
    toast = await user.press_data(confirm, summary)
    assert toast == INVALID_BUTTON
    assert user.last.text.startswith("Quella conversazione è conclusa. /prenota")
    assert await rows(db, "SELECT count(*) FROM bookings") == [(1,)]
    no_errors(user)


@pytest.mark.parametrize("action", ["c", "cy", "cn", "r"])
async def test_another_citizens_booking_id(make_user: UserFactory, db: Database, office: Office,
                                           clock: FakeClock, action: str) -> None:
    theirs = await book_directly(db, office, clock, 2002, FRIDAY)
    user = make_user()
    start = await user.send("/start")
    toast = await user.press_data(f"my:{action}:{theirs.id}", start)
    assert toast == INVALID_BUTTON
    assert user.last.text == ("Non trovo quella prenotazione tra le sue. Ecco i suoi "
                              "appuntamenti: /appuntamenti")
    assert await rows(db, "SELECT user_id, status FROM bookings") == [(2002, "booked")]
    assert await draft_step(db, user) is None  # no move of someone else's booking begins
    no_errors(user)


async def test_a_closed_day_cannot_be_chosen_and_a_full_one_shows_other_times(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    friday = FRIDAY.replace(hour=8, minute=30)
    await fill(db, "S17", friday, friday.replace(hour=13))  # Friday: S17 alone marries
    user = make_user()
    await steps.to_days(user, "matrimonio")
    days = user.last_with_buttons()
    nonce = data_ending(days, ":first").split(":")[1]
    # a Sunday; a holiday; a configured closure; past the horizon; past; out of range
    for day in ("20261129", "20261208", "20261224", "20270126", "20261125",
                "00010101", "99991231"):
        toast = await user.press_data(f"b:{nonce}:day:{day}", user.last_with_buttons())
        assert toast is not None
        assert toast.startswith(NO_DAY), day
        assert await draft_step(db, user) == "day"
    assert "Scelga un giorno" in user.last.text
    # full: its times' screen says so, with the nearest free times and the waiting list
    assert await user.press_data(f"b:{nonce}:day:20261127", user.last_with_buttons()) is None
    assert "Non restano orari liberi per venerdì 27 novembre 2026." in user.last.text
    assert "⏳ Nessuno di questi orari mi va bene" in user.last.buttons()
    assert await rows(db, "SELECT count(*) FROM bookings WHERE user_id IS NOT NULL") == [(0,)]
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    no_errors(user)


@pytest.mark.parametrize(
    ("label", "start"),
    [
        ("outside the hours", FRIDAY.replace(hour=20)),
        ("off the slot grid", FRIDAY.replace(minute=5)),
        ("before the minimum notice", NOW + timedelta(minutes=30)),
        ("past the horizon", FRIDAY + timedelta(days=61)),
        ("on a Sunday", FRIDAY + timedelta(days=2)),
        ("in the past", NOW - timedelta(days=1)),
    ],
)
async def test_a_time_that_is_not_offered(make_user: UserFactory, steps: Steps, db: Database,
                                          label: str, start: object) -> None:
    user = make_user()
    await steps.to_days(user)
    await steps.choose(user, f"day:{FRIDAY:%Y%m%d}")
    times = user.last_with_buttons()
    nonce = data_ending(times, ":quit").split(":")[1]
    toast = await user.press_data(f"b:{nonce}:{time_arg(start)}", times)  # type: ignore[arg-type]
    assert toast == NO_TIME, label
    assert "Scelga un orario" in user.last.text
    assert await draft_step(db, user) == "time"
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    no_errors(user)


@pytest.mark.parametrize("arg", ["t:-5", "t:abc", "t", "t:9999999999999999999999", "day:2026",
                                 "day:abcdefgh", "svc:tari", "svc:nope", "cat:x", "pg:-1",
                                 "ok", "name", "cf", "zzz"])
async def test_forged_actions_in_the_right_conversation(make_user: UserFactory, steps: Steps,
                                                        db: Database, arg: str) -> None:
    user = make_user()
    await steps.to_days(user)
    await steps.choose(user, f"day:{FRIDAY:%Y%m%d}")
    times = user.last_with_buttons()
    nonce = data_ending(times, ":quit").split(":")[1]
    toast = await user.press_data(f"b:{nonce}:{arg}", times)
    assert toast == INVALID_BUTTON
    assert "Scelga un orario" in user.last.text
    assert await draft_step(db, user) == "time"
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    no_errors(user)


@pytest.mark.parametrize("data", [
    "b:", "b:zzzz:cat:anagrafe", "b:" + "9" * 62, "é" * 32, "x" * 64, "my:c:abc",
    "my:c:" + "9" * 59, "my:z:1", "pv", "pv:zzz", "lang:xx", "unknown:prefix", "wl", "\x00\x01",
])
async def test_garbage_and_junk_callback_data(make_user: UserFactory, steps: Steps,
                                              db: Database, data: str) -> None:
    user = make_user()
    await steps.to_days(user)
    before = len(user.messages)
    toast = await user.press_data(data, user.last_with_buttons())
    assert toast is not None
    assert toast in (INVALID_BUTTON, "Questo pulsante non è valido. Usi di nuovo /lingua.")
    assert len(user.messages) >= before  # and something on screen says where to go on
    assert any(way in user.last.text for way in ("/prenota", "/appuntamenti", "Scelga"))
    assert await draft_step(db, user) in ("day", None)
    await nothing_booked(db)
    no_errors(user)


async def test_an_invalid_codice_fiscale(make_user: UserFactory, steps: Steps,
                                         db: Database) -> None:
    user = make_user()
    await steps.to_name(user)
    await user.send("Mario Rossi")
    for typed, problem in (
            ("RSSMRA85", "Un codice fiscale ha 16 lettere e cifre; questo ne ha 8."),
            ("RSSMRA85T10A390X", "L'ultimo carattere di questo codice fiscale non corrisponde"),
            ("hello world", "Un codice fiscale ha 16 lettere e cifre; questo ne ha 10."),
            ("1234567890123456", "Lettere e cifre non sono al loro posto"),
            ("RSSMRA85T10A390L/", "Un codice fiscale contiene solo lettere e cifre: «/»"),
            ("RSSMRA85D31A390F", "La data di nascita di questo codice fiscale"),
            ("RSSMRA85T10Z999S", "Il luogo di nascita di questo codice fiscale")):
        reply = await user.send(typed)
        assert reply.text.startswith(problem), typed
        assert "Ora scriva il codice fiscale di Mario Rossi." in reply.text
        assert await draft_step(db, user) == "codice_fiscale"
    reply = await user.send(CF[0].lower())
    assert "C'è qualcosa che l'operatore deve sapere" in reply.text
    assert await draft_step(db, user) == "note"
    await nothing_booked(db)
    no_errors(user)


async def test_names_long_and_with_markup_are_kept_exactly_as_typed(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_name(user)
    too_long = "A" * 250 + " " + "B" * 250
    reply = await user.send(too_long)
    assert reply.text.startswith("Sono 501 caratteri; un nome può averne al massimo 500.")
    assert await draft_step(db, user) == "name"
    reply = await user.send("12345 !!")
    assert reply.text.startswith("Scriva un nome e cognome, in lettere")
    longest = "A" * 250 + " " + "B" * 249
    reply = await user.send(longest)
    assert longest in reply.text  # "Ora scriva il codice fiscale di AAA…"
    await user.press("Indietro")
    marked = "Anna <b>Bianchi</b> & C. <x>"
    reply = await user.send(marked)
    assert f"di {marked}." in reply.text
    await user.send(codice_fiscale_of("Anna", "<b>Bianchi</b> & C. <x>", female=True))
    await steps.choose(user, "skip")
    assert f"Nome: {marked}" in user.last.text
    await steps.choose(user, "ok")
    assert await rows(db, "SELECT name FROM bookings") == [(marked,)]

    await steps.to_name(user, start=FRIDAY + timedelta(hours=1))
    assert f"Usa “{marked}”" in user.last.buttons()  # a button label is plain text
    await user.press("Usa")
    assert f"di {marked}." in user.last.text
    no_errors(user)


async def test_a_note_over_300_characters(make_user: UserFactory, steps: Steps,
                                          db: Database) -> None:
    user = make_user()
    await steps.to_name(user)
    await user.send("Mario Rossi")
    await user.send(CF[0])
    reply = await user.send("x" * 301)
    assert reply.text.startswith("La sua nota è lunga 301 caratteri; il massimo è 300.")
    assert await draft_step(db, user) == "note"
    note = "<i>rinnovo</i> & " + "y" * 283
    assert len(note) == 300
    reply = await user.send(note)
    assert f"Nota per l'operatore: {note}" in reply.text
    await steps.choose(user, "ok")
    assert await rows(db, "SELECT note FROM bookings") == [(note,)]
    no_errors(user)


async def test_in_a_group_only_a_link_to_a_private_chat(make_user: UserFactory, api: LocalBotAPI,
                                                        db: Database) -> None:
    member = make_user(3003, chat_id=-100123, chat_type="group")
    for command in ("/book", "/start", "/mybookings@SportelloBot", "/deletemydata", "/agenda"):
        before = len(member.messages)
        reply = await member.send(command)
        assert len(member.messages) == before + 1
        assert reply.text == "Per proteggere i suoi dati lavoro solo in una chat privata."
        assert reply.keyboard == [[{"text": "Apri una chat privata",
                                    "url": "https://t.me/SportelloBot"}]]
    await member.send("Mario Rossi RSSMRA85T10A390L")  # the bot does not read a group's talk
    assert len(member.messages) == 5
    toast = await member.press_data("b:abcd:cat:anagrafe", member.last)
    assert toast == "Mi scriva in una chat privata, per favore."
    assert len(member.messages) == 5
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    await nothing_booked(db)
    assert not api.messages.get(3003)  # nothing went to the member's private chat either


@pytest.mark.parametrize("content", [
    {"sticker": {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512,
                 "is_animated": False, "is_video": False, "type": "regular"}},
    {"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}],
     "caption": "Mario Rossi"},
])
async def test_a_photo_or_a_sticker(make_user: UserFactory, steps: Steps, db: Database,
                                    content: dict[str, object]) -> None:
    user = make_user()
    reply = await user.send_content(**content)
    assert reply.text.startswith("Posso leggere solo messaggi di testo e pulsanti.")
    assert "/prenota" in reply.text

    await steps.to_name(user)
    reply = await user.send_content(**content)
    assert reply.text.startswith("Posso leggere solo messaggi di testo e pulsanti.")
    assert "nome e cognome" in reply.text
    assert await draft_step(db, user) == "name"
    assert await rows(db, "SELECT data FROM drafts WHERE data LIKE '%Mario%'") == []
    await user.send("Mario Rossi")
    assert await draft_step(db, user) == "codice_fiscale"
    await nothing_booked(db)
    no_errors(user)


async def test_a_toast_shows_escaped_text_as_typed(app: Application, api: LocalBotAPI) -> None:
    """Answers to buttons are plain text: a Markup message shared with HTML reads as typed."""
    update = Update.de_json({"update_id": 1, "callback_query": {
        "id": "q1", "chat_instance": "1", "data": "x",
        "from": {"id": 1001, "is_bot": False, "first_name": "Mario"}}}, app.bot)
    await answer(update, app.bot_data["deps"].i18n("it").gettext(
        "Kept for you: {when}", when="Luce & gas <sera>"))
    assert api.callback_answers["q1"]["text"] == "Tenuto per lei: Luce & gas <sera>"
