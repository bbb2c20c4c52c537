"""Hostile inputs: what a figures file (or any data file) from many hands may try."""
