from bot.testing.local_user import LocalUser
from tests.conftest import UserFactory


async def test_start_in_italian_for_an_italian_client(make_user: UserFactory) -> None:
    user: LocalUser = make_user(language_code="it")
    reply = await user.send("/start")
    assert "Benvenuto" in reply.text
    assert "/prenota" in reply.text


async def test_start_in_english_for_other_clients(make_user: UserFactory) -> None:
    user = make_user(language_code="de")
    reply = await user.send("/start")
    assert "Welcome to Sportello Unico" in reply.text
    assert "/book" in reply.text
