"""``cybertrack serve``: the knowledge base as web pages, a REST API and a TAXII 2.1 feed.

    >>> from cybertrack.web import WebConfig, create_app
    >>> app = create_app(WebConfig(db="demo.db", write_token=None))   # an ASGI app

The app renders what ``analysis/`` returns, as ``report/`` does, and holds no analysis of its
own (``views`` and ``content`` shape results for pages and JSON). See docs/web.md.
"""

from cybertrack.web.app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
