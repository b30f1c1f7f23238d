-- Blitzes: a team prospecting together for a set time in one channel, with a live scoreboard.
CREATE TABLE blitzes (
    id                   INTEGER PRIMARY KEY,
    team_id              TEXT NOT NULL,
    channel_id           TEXT NOT NULL,
    started_by           TEXT NOT NULL,
    goal                 INTEGER,
    starts_at            TEXT NOT NULL,
    ends_at              TEXT NOT NULL,
    ended_at             TEXT,
    scoreboard_outbox_id INTEGER REFERENCES outbox (id),
    last_update_at       TEXT,
    last_scoreboard      TEXT,
    created_at           TEXT NOT NULL
);
-- One running blitz per channel: a second start is refused by this index, not by a read.
CREATE UNIQUE INDEX blitzes_one_per_channel ON blitzes (team_id, channel_id) WHERE ended_at IS NULL;
CREATE INDEX blitzes_running ON blitzes (ends_at) WHERE ended_at IS NULL;
CREATE INDEX blocks_by_report ON blocks (team_id, reported_at) WHERE status = 'done';
CREATE INDEX touches_by_team_time ON touches (team_id, created_at);

-- Members' display names, from users.info, for scoreboards that name people without pinging them.
ALTER TABLE members ADD COLUMN name TEXT;
