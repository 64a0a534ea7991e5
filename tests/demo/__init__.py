"""Tests of the synthetic demo world."""
