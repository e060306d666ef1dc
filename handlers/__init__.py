"""Everything that reads a Telegram update and answers it."""
