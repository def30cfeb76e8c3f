"""Exports: submission-ready PDF, Word, ODT, Markdown and text built from one document model."""
