"""Accounts: people, their log-in sessions, e-mailed links and personal API tokens."""
