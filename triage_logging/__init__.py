"""Placeholder until the logging kit lands (issue 3)."""

from logging import Formatter as JSONFormatter

__all__ = ["JSONFormatter"]
