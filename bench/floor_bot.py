"""The floor bot of bench/bench_updates.py: a plain python-telegram-bot bot that answers each
update with the Bot API calls Sportello made for it in a recording run, and does nothing else."""

from __future__ import annotations

import contextlib
import contextvars
import json
import warnings
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.warnings import PTBUserWarning

from bot.pacing import Unpaced
from bot.testing.local_api import OFFLINE_TOKEN, LocalBotAPI, RoundTrip
from bot.updates import PerChatUpdateProcessor

# the floor sends each recorded call as it was, by name: python-telegram-bot suggests the method
warnings.filterwarnings("ignore", "Please use 'Bot.", PTBUserWarning)
STEP: contextvars.ContextVar[tuple[int, int]] = contextvars.ContextVar("step")
"""(citizen, step) whose update is being handled, for the recording."""
Call = tuple[str, dict[str, Any], tuple[str, bytes] | None]
"""A Bot API method, its parameters as sent, and the file uploaded with it."""


class RecordingAPI(LocalBotAPI):
    """Notes the calls made while each (citizen, step) was handled."""

    def __init__(self, round_trip: RoundTrip) -> None:
        super().__init__(round_trip=round_trip)
        self.recorded: dict[tuple[int, int], list[Call]] = defaultdict(list)

    def _call(self, name: str, params: dict[str, Any], files: dict[str, Any]) -> tuple[int, bytes]:
        step = STEP.get(None)
        if step is not None:
            upload = next(((file, content) for file, content, *_ in files.values()), None)
            self.recorded[step].append((name, dict(params), upload))
        return super()._call(name, params, files)


def _markup(params: dict[str, Any]) -> InlineKeyboardMarkup | None:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return InlineKeyboardMarkup.de_json(markup, None) if markup else None


async def typed_call(bot: Bot, method: str, params: dict[str, Any],
                     upload: tuple[str, bytes] | None) -> None:
    """`method` made as a plain python-telegram-bot bot makes it: a keyboard built as objects,
    the bot's method called, the answer turned into objects."""
    html = params.get("parse_mode")
    preview = LinkPreviewOptions(is_disabled=True) if "link_preview_options" in params else None
    if method == "sendMessage":
        await bot.send_message(params["chat_id"], params["text"], parse_mode=html,
                               reply_markup=_markup(params), link_preview_options=preview)
    elif method == "editMessageText":
        await bot.edit_message_text(params["text"], params["chat_id"], params["message_id"],
                                    parse_mode=html, reply_markup=_markup(params),
                                    link_preview_options=preview)
    elif method == "editMessageReplyMarkup":
        await bot.edit_message_reply_markup(params["chat_id"], params["message_id"],
                                            reply_markup=_markup(params))
    elif method == "answerCallbackQuery":
        await bot.answer_callback_query(params["callback_query_id"], params.get("text"),
                                        show_alert=params.get("show_alert"))
    elif method == "sendDocument" and upload is not None:
        await bot.send_document(params["chat_id"], InputFile(upload[1], filename=upload[0]),
                                caption=params.get("caption"), parse_mode=html)
    else:
        raise AssertionError(f"no typed replay of {method}")


async def lean_call(bot: Bot, method: str, params: dict[str, Any],
                    upload: tuple[str, bytes] | None) -> None:
    """`method` sent with its parameters exactly as recorded, the answer left as JSON."""
    kwargs = dict(params)
    if upload is not None:
        kwargs["document"] = InputFile(upload[1], filename=upload[0])
    await bot.do_api_request(method, api_kwargs=kwargs)


Replay = Callable[[Bot, str, dict[str, Any], tuple[str, bytes] | None], Awaitable[None]]


def floor_bot(api: LocalBotAPI, recorded: dict[tuple[int, int], list[Call]],
              call: Replay) -> Application:
    """Answers each citizen's n-th update with the calls Sportello made for it, as recorded."""
    done: Counter[int] = Counter()

    async def replay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user is not None
        user = update.effective_user.id
        for method, params, upload in recorded.get((user, done[user]), []):
            with contextlib.suppress(TelegramError):  # refused when recorded too: "not modified"
                await call(context.bot, method, params, upload)
        done[user] += 1

    application = bare(api)
    application.add_handler(TypeHandler(Update, replay))
    return application


def bare(api: LocalBotAPI) -> Application:
    """A plain python-telegram-bot application, with Sportello's processor and concurrency."""
    return (ApplicationBuilder().token(OFFLINE_TOKEN).request(api).get_updates_request(api)
            .rate_limiter(Unpaced()).concurrent_updates(PerChatUpdateProcessor()).build())


