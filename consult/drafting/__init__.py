"""Drafting: responses, their sections, revisions, merges, comments, suggestions, presence."""
