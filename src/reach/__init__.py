"""Reach: how far community programs reach, from attendance lists."""

__version__ = "0.1.0"
