"""Utilities shared by skbce's estimators."""
