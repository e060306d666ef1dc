"""The in-process Bot API answers as Telegram does where it shapes the code: HTML that does not
parse, the 4096-character message, 64-byte callback data, the 200-character callback answer,
an edit to the same content, a blocked user, injected faults."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import Application

from bot.testing.client import ApiError, html_to_text
from bot.testing.local_api import Fault, LocalBotAPI
from tests.conftest import UserFactory

CHAT = 1001


@pytest.mark.parametrize(("markup", "text"), [
    ("<b>Nome:</b> Anna &lt;b&gt; &amp; C.", "Nome: Anna <b> & C."),
    ('<a href="https://t.me/x">link</a> &#65;&#x42;', "link AB"),
    ("<b><i>both</i></b>", "both"),
    ("", ""),
])
def test_html_that_parses(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


@pytest.mark.parametrize(("markup", "error"), [
    ("Anna <b>Bianchi", "no end tag for b"),
    ("Anna </b>", "unmatched end tag"),
    ("<b><i>crossed</b></i>", "unmatched end tag"),
    ("a < b", "unsupported start tag"),
    ("<script>x</script>", "unsupported start tag"),
    ("Rossi & figli", "unescaped &"),
])
def test_html_that_does_not_parse(markup: str, error: str) -> None:
    with pytest.raises(ApiError) as raised:
        html_to_text(markup)
    assert raised.value.code == 400
    assert raised.value.description.startswith("Bad Request: can't parse entities")
    assert error in raised.value.description


@pytest.fixture
def bot(make_user: UserFactory, app: Application) -> Application:
    make_user(CHAT)  # opens the chat
    return app


async def test_a_message_that_does_not_parse_is_refused(bot: Application,
                                                        api: LocalBotAPI) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.bot.send_message(CHAT, "Anna <b>Bianchi")
    assert api.bot_messages(CHAT) == []
    sent = await bot.bot.send_message(CHAT, "Anna &lt;b&gt;Bianchi")
    assert sent.text == "Anna <b>Bianchi"


async def test_the_4096_character_limit_counts_utf16_units(bot: Application,
                                                           api: LocalBotAPI) -> None:
    await bot.bot.send_message(CHAT, "x" * 4096)
    await bot.bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>")  # tags do not count
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.bot.send_message(CHAT, "😀" * 2049)  # two units each
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.bot.send_message(CHAT, "<b> </b>")
    assert len(api.bot_messages(CHAT)) == 2


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=data)]])


async def test_callback_data_of_at_most_64_bytes(bot: Application, api: LocalBotAPI) -> None:
    await bot.bot.send_message(CHAT, "ok", reply_markup=keyboard("a" * 64))
    await bot.bot.send_message(CHAT, "ok", reply_markup=keyboard("é" * 32))
    for data in ("a" * 65, "é" * 32 + "a"):
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.bot.send_message(CHAT, "too long", reply_markup=keyboard(data))
    assert [m.text for m in api.bot_messages(CHAT)] == ["ok", "ok"]


async def test_an_edit_to_the_same_content_is_not_modified(bot: Application,
                                                           api: LocalBotAPI) -> None:
    sent = await bot.bot.send_message(CHAT, "<b>Scelga</b>", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.bot.edit_message_text("<b>Scelga</b>", CHAT, sent.message_id,
                                        reply_markup=keyboard("a"))
    await bot.bot.edit_message_text("<b>Scelga</b>", CHAT, sent.message_id)  # buttons gone
    await bot.bot.edit_message_text("<i>Scelga</i>", CHAT, sent.message_id)  # formatting counts
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.bot.edit_message_text("<i>Scelga</i>", CHAT, sent.message_id)
    [message] = api.bot_messages(CHAT)
    assert (message.text, message.keyboard, message.edits) == ("Scelga", [], 2)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.bot.edit_message_text("x", CHAT, 999)


async def test_a_callback_answer_of_at_most_200_characters(bot: Application,
                                                           api: LocalBotAPI) -> None:
    assert await bot.bot.answer_callback_query("q1", "x" * 200)
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
        await bot.bot.answer_callback_query("q2", "x" * 201)
    assert list(api.callback_answers) == ["q1"]


async def test_blocked_users_faults_and_refused_methods(bot: Application,
                                                        api: LocalBotAPI) -> None:
    api.blocked.add(CHAT)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.bot.send_message(CHAT, "hello")
    api.blocked.clear()
    api.faults.append(Fault("sendMessage", 502, "Bad Gateway", chat_id=CHAT))
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.bot.send_message(CHAT, "hello")
    await bot.bot.send_message(CHAT, "hello")  # a fault happens once
    api.refused = {"sendChatAction"}
    with pytest.raises(BadRequest, match=r"(?i)refused"):
        await bot.bot.send_chat_action(CHAT, "typing")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.bot.send_message(42, "nobody")
    assert [m.text for m in api.bot_messages(CHAT)] == ["hello"]
