"""Readable reports: text tables, Markdown/HTML and charts."""
