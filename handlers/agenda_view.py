"""The day's agenda and the detail of one visit, as operators read them (pure rendering).

A day of 450 bookings runs to tens of thousands of characters: it is split into pages that each
stay under Telegram's 4096, measured in UTF-16 code units on the HTML, which is never shorter
than the text a client shows. Each line links the visit's detail with a `/b<id>` command, which
a client makes tappable. The codice fiscale appears only in the detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from markupsafe import Markup

from bot.domain.booking import Booking
from bot.domain.model import Office
from bot.domain.visits import status_label
from bot.i18n import Translator

PAGE_LIMIT = 3900
"""UTF-16 code units of HTML per page, below Telegram's 4096 with a margin."""
TITLE_RESERVE = 80
"""Room kept for the page number, added once the number of pages is known."""
NAME_SHOWN = 60
NOTE_SHOWN = 160
DETAIL_COMMAND = "b"


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def service_name(office: Office, code: str, t: Translator) -> str:
    service = office.services.get(code)
    return service.name.get(t.lang) if service else code


def desk_name(office: Office, code: str) -> str:
    desk = office.desks.get(code)
    return f"{desk.name} ({code})" if desk and desk.name != code else code


def visit_line(visit: Booking, office: Office, t: Translator) -> Markup:
    line = t.gettext(
        "{time} /{command}{id} {code} <b>{name}</b> · {service} · {status}",
        time=t.time(visit.start.astimezone(office.tz)), command=DETAIL_COMMAND, id=visit.id,
        code=visit.code,
        name=clip(visit.name or "—", NAME_SHOWN), service=service_name(office, visit.service, t),
        status=t.gettext(status_label(visit)),
    )
    if visit.note:
        line += Markup("\n      <i>{}</i>").format(clip(visit.note, NOTE_SHOWN))
    return line


def _title(office: Office, t: Translator, day: date, desk: str | None, count: int) -> Markup:
    scope = desk_name(office, desk) if desk else t.gettext("all desks")
    return t.ngettext("<b>Agenda, {day}</b>\n{scope} · {n} booking",
                      "<b>Agenda, {day}</b>\n{scope} · {n} bookings",
                      count, day=t.date(day), scope=scope)


def pages(visits: Sequence[Booking], office: Office, t: Translator, day: date,
          desk: str | None) -> list[Markup]:
    """Every page of the agenda of `day` (at `desk`, or all desks), desk by desk, in time order."""
    title = _title(office, t, day, desk, len(visits))
    if not visits:
        return [title + "\n\n" + t.gettext("No bookings.")]
    order = {code: index for index, code in enumerate(office.desks)}
    ordered = sorted(visits, key=lambda v: (order.get(v.desk, len(order)), v.desk, v.start))
    budget = PAGE_LIMIT - units(title) - TITLE_RESERVE

    def heading(code: str) -> list[Markup]:
        return [Markup(), Markup("<b>{}</b>").format(desk_name(office, code))]

    def cost(block: list[Markup]) -> int:
        return sum(units(text) + 1 for text in block)

    chunks: list[list[Markup]] = [[]]
    size, page_desk = 0, None
    for visit in ordered:
        line = visit_line(visit, office, t)
        block = [line] if visit.desk == page_desk else [*heading(visit.desk), line]
        if size + cost(block) > budget and chunks[-1]:
            chunks.append([])
            size, block = 0, [*heading(visit.desk), line]
        chunks[-1] += block
        size += cost(block)
        page_desk = visit.desk
    if len(chunks) == 1:
        return [title + "\n" + Markup("\n").join(chunks[0])]
    return [title + " · " + t.gettext("page {page} of {pages}", page=number, pages=len(chunks))
            + "\n" + Markup("\n").join(chunk)
            for number, chunk in enumerate(chunks, 1)]


def detail(visit: Booking, office: Office, t: Translator, booked_by: str | None) -> Markup:
    """One visit in full, with the codice fiscale: only ever shown to operators."""
    def at(moment: datetime) -> str:
        return t.time(moment.astimezone(office.tz))

    start = visit.start.astimezone(office.tz)
    lines = [
        t.gettext("<b>{service}</b> · code {code}",
                  service=service_name(office, visit.service, t), code=visit.code),
        t.gettext("{when}, until {end} · {desk}", when=t.when(start),
                  end=at(visit.end), desk=desk_name(office, visit.desk)),
        t.gettext("Status: <b>{status}</b>", status=t.gettext(status_label(visit))),
        Markup(),
        t.gettext("Name: {name}", name=visit.name or "—"),
        t.gettext("Codice fiscale: <code>{cf}</code>", cf=visit.codice_fiscale or "—"),
    ]
    if visit.phone:
        lines.append(t.gettext("Phone: {phone}", phone=visit.phone))
    if visit.note:
        lines.append(t.gettext("Note: {note}", note=visit.note))
    created = visit.created.astimezone(office.tz)
    if booked_by is not None:
        lines.append(t.gettext("Booked by {operator}, {when}", operator=booked_by,
                               when=_short(t, created)))
    else:
        lines.append(t.gettext("Booked on Telegram, {when}", when=_short(t, created)))
    for label, moment in ((t.gettext("Confirmed from the reminder"), visit.confirmed),
                      (t.gettext("Arrived"), visit.checked_in),
                      (t.gettext("Started"), visit.started),
                      (t.gettext("Ended"), visit.served),
                      (t.gettext("Marked as no-show"), visit.no_show)):
        if moment is not None:
            lines.append(Markup("{}: {}").format(label, at(moment)))
    if visit.minutes_at_desk is not None:
        lines.append(t.gettext("Time at the desk: {minutes} min", minutes=visit.minutes_at_desk))
    return Markup("\n").join(lines)


def _short(t: Translator, moment: datetime) -> str:
    return f"{t.short_date(moment.date())} {t.time(moment)}"
