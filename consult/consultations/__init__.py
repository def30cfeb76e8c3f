"""Consultations: what is being answered, its numbered questions, and submission profiles."""
