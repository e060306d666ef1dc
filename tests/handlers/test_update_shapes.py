"""Every shape of update gets an answer and never an error: an edited message is not read
again (the sender is told to send it anew), a button with no message to it gets a pop-up, and
echoed arguments and long replies stay within Telegram's limits."""

from __future__ import annotations

import json

from telegram import Update

from bot.testing.local_api import LocalBotAPI
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import CF, Steps, no_errors
from tests.seed import rows

EDITED = ("Non leggo i messaggi modificati: se voleva cambiare quello che ha inviato, lo invii di "
          "nuovo come nuovo messaggio.")


async def test_an_edited_name_is_not_taken_and_the_citizen_is_told(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_name(user)
    await user.send("Mario Rosi")
    cf_step = user.last
    reply = await user.edit("Mario Rossi")
    assert reply.text == EDITED
    assert [(step, json.loads(data)["name"]) for step, data in await rows(
        db, "SELECT step, data FROM drafts")] == [("codice_fiscale", "Mario Rosi")]
    assert cf_step.keyboard  # the step on screen goes on as it was
    await user.send(CF[0])  # Mario Rossi's: the name typed, not the one edited, is asked about
    assert "non sono quelle del nome Mario Rosi" in user.last.text
    no_errors(user)


async def test_an_edited_command_is_not_run_again(make_user: UserFactory, db: Database) -> None:
    user = make_user()
    await user.send("/prenota")
    assert (await user.edit("/cancelladati")).text == EDITED
    assert await rows(db, "SELECT step FROM drafts") == [("category",)]
    no_errors(user)


async def test_an_edited_message_in_a_group_is_ignored(make_user: UserFactory,
                                                       api: LocalBotAPI) -> None:
    member = make_user(3001, chat_id=-100, chat_type="group")
    await member.send("/prenota")
    before = len(api.bot_messages(-100))
    await member.edit("/prenota adesso")
    assert len(api.bot_messages(-100)) == before
    no_errors(member)


async def test_a_button_without_a_message_gets_a_pop_up(make_user: UserFactory,
                                                        api: LocalBotAPI) -> None:
    user = make_user()
    for data in ("b:abcd:ok", "my:c:1", "op:a:s:cie", "pv:erase", "nonsense"):
        answer = await user.press_inline(data)
        assert answer is not None, data
        assert answer["text"] == "Questo pulsante funziona solo nella chat con il bot."
        assert answer["show_alert"] is True
    assert user.messages == []
    assert [name for name, _ in api.calls if name not in ("getMe", "setMyCommands",
                                                          "answerCallbackQuery")] == []


async def test_a_channel_post_is_dropped(make_user: UserFactory, api: LocalBotAPI) -> None:
    channel = make_user(3002, chat_id=-200, chat_type="channel")
    update = {"update_id": api.next_update_id(), "channel_post": {
        "message_id": 1, "date": 0, "chat": api.chats[-200], "text": "/prenota"}}
    await channel.application.process_update(Update.de_json(update, channel.application.bot))
    assert api.bot_messages(-200) == []
