"""Keeping a knowledge base current: feeds polled on a schedule, watchlists told what is new.

``feeds`` polls RSS/Atom feeds with conditional requests and ingests only new entries;
``watchlists`` defines what a team wants to hear about, matches each new claim and incident
against it, and reports hits to the terminal, a JSON lines file, a webhook, and an Atom feed
per watchlist (``watchlists.atom_feed``, which the web application can serve).
"""
