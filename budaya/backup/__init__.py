"""Portable backups: a zip of per-model JSON Lines in dependency order plus a manifest."""
