"""The use cases, as transactions over storage: no Telegram."""
