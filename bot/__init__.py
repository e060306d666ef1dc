"""Sportello: book an appointment at a municipal one-stop counter, in Telegram."""
