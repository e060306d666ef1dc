from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import load_office
from bot.domain.booking import Booking, Status
from bot.i18n import I18n
from bot.testing.client import html_to_text
from bot.testing.local_api import MESSAGE_LIMIT
from handlers.agenda_view import PAGE_LIMIT, pages, units

OFFICE = load_office()
T = I18n()("it")
DAY = date(2026, 11, 26)
NINE = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Europe/Rome")).astimezone(UTC)
MINUTE = timedelta(minutes=1)

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)


@st.composite
def visits(draw: st.DrawFn) -> list[Booking]:
    count = draw(st.integers(0, 120))
    desks = list(OFFICE.desks)
    return [Booking(n, "ABC234", None, "cie", draw(st.sampled_from(desks)), NINE + 10 * n * MINUTE,
                    NINE + (10 * n + 30) * MINUTE, draw(st.sampled_from(list(Status))),
                    draw(st.none() | texts), "RSSMRA85T10A562S", draw(st.none() | texts), NINE)
            for n in range(count)]


@settings(max_examples=60, deadline=None)
@given(visits())
def test_every_page_fits_and_every_visit_appears_once(found: list[Booking]) -> None:
    shown = pages(found, OFFICE, T, DAY, None)
    texts_shown = [html_to_text(page) for page in shown]  # also: the HTML parses
    assert all(units(page) <= PAGE_LIMIT < MESSAGE_LIMIT for page in shown)
    joined = "\n".join(texts_shown)
    assert all(joined.count(f"/b{v.id} ") == 1 for v in found)
    assert "RSSMRA85T10A562S" not in joined


def test_a_desk_continued_on_the_next_page_is_named_again() -> None:
    many = [Booking(n, "ABC234", None, "cie", "S01", NINE + 10 * n * MINUTE,
                    NINE + (10 * n + 10) * MINUTE, Status.BOOKED, "N" * 60, None, "x" * 160, NINE)
            for n in range(60)]
    shown = pages(many, OFFICE, T, DAY, "S01")
    assert len(shown) > 1
    assert all("<b>Sportello 1 (S01)</b>" in page for page in shown)
    assert "pagina 2 di" in shown[1]
