"""Kurzlage: short extractive German digests of new news articles, posted to Telegram."""

__version__ = "0.1.0"
