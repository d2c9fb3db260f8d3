-- Schema version 12: continuous ingest (`cybertrack watch`) and watchlists (issue 17).
--
-- feeds: one row per polled RSS/Atom feed: the validators of its last good response (ETag,
-- Last-Modified) sent back as If-None-Match / If-Modified-Since, so an unchanged feed costs
-- a 304; when it was last checked and last changed, the last outcome and error, and how many
-- polls in a row failed. Written only after the entries of a good response are stored, so a
-- run killed mid-poll fetches the feed again in full.
--
-- feed_items: the entries already taken from each feed (their link, else guid), so a poll
-- reads only new entries' pages.
--
-- watchlists: what a team wants to hear about (criteria as JSON: actors with their aliases,
-- attributed states, targets, kinds), and where to report it besides the terminal (a JSON
-- lines file, a webhook).
--
-- watchlist_hits: each claim or incident that matched a watchlist, once (the key), with a
-- one-line summary: what the Atom feed of a watchlist serves.

CREATE TABLE feeds (
    url TEXT NOT NULL PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    checked_at TEXT,
    changed_at TEXT,
    status TEXT,
    error TEXT,
    failures INTEGER NOT NULL
);

CREATE TABLE feed_items (
    feed_url TEXT NOT NULL,
    item TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_url, item)
);

CREATE TABLE watchlists (
    name TEXT NOT NULL PRIMARY KEY,
    criteria TEXT NOT NULL,
    jsonl TEXT,
    webhook TEXT,
    allow_private INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE watchlist_hits (
    watchlist TEXT NOT NULL,
    record_id TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    document_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    found_at TEXT NOT NULL,
    PRIMARY KEY (watchlist, record_id)
);

CREATE INDEX ix_watchlist_hits_found_at ON watchlist_hits (watchlist, found_at);
