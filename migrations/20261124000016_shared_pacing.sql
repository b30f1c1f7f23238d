-- Pacing shared by every process on the database (replicas): when each channel may next
-- receive a message, and a workspace's pause after Slack answered HTTP 429.
CREATE TABLE channel_pacing (
    team_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    free_at TEXT NOT NULL,
    PRIMARY KEY (team_id, channel)
) WITHOUT ROWID;

CREATE TABLE team_pauses (
    team_id TEXT PRIMARY KEY NOT NULL,
    until   TEXT NOT NULL
) WITHOUT ROWID;
