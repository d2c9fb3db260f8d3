"""Readable reports: text (rich), Markdown, HTML and JSON, with charts as PNG and SVG.

``report/extraction.py`` prints one document's extraction; the knowledge-base reports are built
as plain data by ``incident``, ``reach``, ``timeline`` and ``actor`` and rendered by
``document.render``; ``charts`` draws the figures written next to them.
"""
