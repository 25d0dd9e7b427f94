"""Tests of shangliang."""
