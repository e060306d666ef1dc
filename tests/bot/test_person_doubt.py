"""bot/domain/flows.py: a codice fiscale whose letters are not the name's is kept in doubt on the
draft, whatever flow asks for it, until the person booking settles it."""

from __future__ import annotations

from bot.domain.flows import Draft, Step
from bot.domain.staff_flows import AddDraft, AddStep

ROSSI = "RSSMRA85T10A390L"
BIANCHI = "BNCNNA90D43A390D"


def at_the_code(name: str) -> Draft:
    draft = Draft(nonce="ab12", step=Step.CODICE_FISCALE, service="cie", start=1, name=name)
    assert draft.detail is not None
    return draft


def test_a_matching_code_is_taken_and_another_is_kept_in_doubt() -> None:
    draft = at_the_code("Rossi Mario")
    assert draft.offer_codice_fiscale(ROSSI)
    assert (draft.step, draft.codice_fiscale, draft.doubted_cf) == (Step.NOTE, ROSSI, None)
    draft = at_the_code("Ada Lovelace")
    assert not draft.offer_codice_fiscale(ROSSI)
    assert (draft.step, draft.codice_fiscale, draft.in_doubt) == (Step.CODICE_FISCALE, None, ROSSI)
    assert not draft.offer_codice_fiscale(BIANCHI)  # another code: the one in doubt now
    assert draft.in_doubt == BIANCHI
    assert draft.offer_codice_fiscale(BIANCHI)  # given again: taken
    assert (draft.step, draft.codice_fiscale, draft.doubted_cf) == (Step.NOTE, BIANCHI, None)


def test_the_mark_names_the_pair_and_survives_a_restart() -> None:
    draft = at_the_code("Ada Lovelace")
    assert draft.doubt_mark is None
    draft.offer_codice_fiscale(ROSSI)
    mark = draft.doubt_mark
    assert mark is not None
    assert len(mark) == 8
    assert Draft.from_json(draft.to_json()).doubt_mark == mark
    draft.offer_codice_fiscale(BIANCHI)
    assert draft.doubt_mark not in (None, mark)


def test_a_corrected_name_takes_the_code_in_doubt_if_it_is_its_own() -> None:
    draft = AddDraft.new(service="cie", start=1)
    draft.take(draft.DETAILS[AddStep.NAME], "Ada Lovelace")
    draft.offer_codice_fiscale(ROSSI)
    draft.back()
    assert (draft.step, draft.doubted_cf) == (AddStep.NAME, ROSSI)
    assert draft.doubt_mark is None  # nothing to say right at the name
    draft.take(draft.DETAILS[AddStep.NAME], "Maria Rosi")
    assert (draft.step, draft.in_doubt) == (AddStep.CODICE_FISCALE, ROSSI)
    draft.back()
    draft.take(draft.DETAILS[AddStep.NAME], "Mario Rossi")
    assert (draft.step, draft.codice_fiscale, draft.doubted_cf) == (AddStep.NOTE, ROSSI, None)


def test_going_back_to_the_times_forgets_the_code_in_doubt() -> None:
    draft = at_the_code("Ada Lovelace")
    draft.offer_codice_fiscale(ROSSI)
    draft.back()
    assert (draft.step, draft.doubted_cf) == (Step.NAME, ROSSI)
    draft.back()
    assert (draft.step, draft.doubted_cf) == (Step.TIME, None)
