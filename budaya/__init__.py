"""Budaya: the work-culture survey and evaluation of Indonesia's civil service (Indeks BerAKHLAK)."""

__version__ = "0.1.0"
