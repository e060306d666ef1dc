"""handlers/message_size.py: any HTML reply is split into messages Telegram accepts, each valid
on its own, losing nothing but the line breaks where it was cut."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from bot.testing.client import html_to_text
from bot.testing.local_api import MESSAGE_LIMIT
from handlers.message_size import answer_text, clip, echoed, split, units

WORDS = st.text(alphabet="abcàè <>&😀", min_size=0, max_size=30).map(
    lambda w: w.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


@st.composite
def lines(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, max_size=8))
    tag = draw(st.sampled_from(["", "b", "i", "code"]))
    text = " ".join(words)
    return f"<{tag}>{text}</{tag}>" if tag else text


@st.composite
def documents(draw: st.DrawFn) -> str:
    body = "\n".join(draw(st.lists(lines(), min_size=1, max_size=40)))
    return f"<b>{body}</b>" if draw(st.booleans()) else body  # a tag open across every line


def squeeze(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=200)
@given(documents(), st.integers(min_value=20, max_value=300))
def test_every_part_fits_and_parses_and_together_they_say_it_all(text: str,
                                                                  budget: int) -> None:
    parts = split(text, budget)
    shown = [html_to_text(part) for part in parts]  # raises as Telegram would, if invalid
    assert all(units(part) <= budget for part in shown)
    assert squeeze("".join(shown)) == squeeze(html_to_text(text))


def test_a_short_text_is_one_part_as_it_is() -> None:
    assert split("<b>Ciao</b>\n\nTutto bene.") == ["<b>Ciao</b>\n\nTutto bene."]


def test_a_long_listing_is_cut_between_lines_within_telegram_s_limit() -> None:
    text = "\n".join(f"• <b>Operatore {n}</b> {'x' * 90}" for n in range(100))
    parts = split(text)
    assert len(parts) == 3
    assert all(units(html_to_text(part)) < MESSAGE_LIMIT for part in parts)
    assert parts[1].startswith("• <b>Operatore ")
    assert all(not part.endswith("\n") for part in parts)


def test_one_line_too_long_is_cut_between_words_and_a_word_too_long_anywhere() -> None:
    assert split("aaa bbb ccc", 8) == ["aaa bbb", "ccc"]
    assert split("<i>" + "z" * 10 + "</i>", 4) == ["<i>zzzz</i>", "<i>zzzz</i>", "<i>zz</i>"]


def test_clip_keeps_the_first_part_and_says_so() -> None:
    assert clip(Markup("aaa bbb ccc"), Markup("<i>(cut)</i>"), 8) == "aaa bbb\n<i>(cut)</i>"
    assert clip("aaa", "<i>(cut)</i>", 8) == "aaa"


def test_echoed_arguments_and_button_answers_are_short() -> None:
    assert echoed("domani\n  3") == "domani 3"
    assert echoed("x" * 4000) == "x" * 39 + "…"
    assert len(answer_text("y" * 500)) == 200
