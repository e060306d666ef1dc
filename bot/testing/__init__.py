"""Test doubles that ship with the package: the in-process Bot API and a clock tests move."""
