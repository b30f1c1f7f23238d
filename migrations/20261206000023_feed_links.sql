-- Private links to what Momentum shows outside Slack: a rep's calendar feed (and, later, a
-- team's blitz board). The link carries a random token of 256 bits; only its SHA-256 is kept,
-- so this table opens nobody's feed. One link per owner and kind: a new one replaces the old,
-- which then answers 404.
CREATE TABLE feed_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('calendar', 'board')),
    team_id    TEXT NOT NULL,
    owner      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (kind, team_id, owner)
);
