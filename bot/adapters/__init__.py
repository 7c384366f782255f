"""Thin adapters around the core: files in, SQLite store, templates, Telegram out."""
