-- Events API deliveries already handled: Slack retries with the same event_id.
CREATE TABLE slack_events (
    event_id    TEXT PRIMARY KEY NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;

-- Kudos: one per person per win, however often the button is pressed.
CREATE TABLE kudos (
    win_id     INTEGER NOT NULL REFERENCES wins (id),
    user_id    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (win_id, user_id)
) WITHOUT ROWID;
