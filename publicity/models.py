"""Publicity notices, periods and objections."""
