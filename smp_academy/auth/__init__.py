"""Accounts, sign-in sessions, password reset and profiles."""
