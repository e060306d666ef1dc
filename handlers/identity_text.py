"""What is wrong with a typed codice fiscale, in words: the same for citizens and operators."""

from __future__ import annotations

from markupsafe import Markup

from bot.domain.identity import Fault, Invalid
from bot.i18n import Translator


def shown_character(char: str) -> str:
    """A refused character as it can be shown: itself, or its code point if invisible."""
    return char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def invalid_codice_fiscale(t: Translator, problem: Invalid) -> Markup:
    if problem.fault is Fault.CHARACTER:
        return t.gettext("A codice fiscale has only letters and digits: “{char}” is neither. "
                         "Please type it again.", char=shown_character(problem.detail))
    if problem.fault is Fault.LENGTH:
        return t.gettext("A codice fiscale has 16 letters and digits; this one has {count}. "
                         "Please type it again.", count=problem.detail)
    if problem.fault is Fault.LAYOUT:
        return t.gettext("The letters and digits are not in their places: a codice fiscale "
                         "reads like RSSMRA85T10A562S (6 letters, 2 digits, a letter, 2 digits, a "
                         "letter, 3 digits, a letter). Please type it again.")
    if problem.fault is Fault.DATE:
        return t.gettext("The birth date in this codice fiscale (characters 7 to 11) does not "
                         "exist: please check it and type the code again.")
    if problem.fault is Fault.CHECK:
        return t.gettext("The last character of this codice fiscale does not match the others: "
                         "a character is probably mistyped. Please check it and type it again.")
    return t.gettext("The place of birth in this codice fiscale (characters 12 to 15) is not "
                     "one I know: please check it and type the code again.")
