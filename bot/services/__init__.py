"""The use cases as transactions over storage, with no Telegram in them."""
