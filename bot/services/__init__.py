"""The use cases, each a transaction over storage: no Telegram here."""
