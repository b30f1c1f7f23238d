-- Kudos people see: each shout-out's pending `chat.update` with its celebrate counts (at most
-- one per message every few seconds, always carrying the latest counts), and when each rep was
-- last told who celebrated them (at most one DM a day).
CREATE TABLE shoutout_kudos (
    outbox_id  INTEGER PRIMARY KEY NOT NULL,  -- the shout-out's outbox row
    update_id  INTEGER NOT NULL,              -- its latest chat.update outbox row
    update_at  TEXT NOT NULL                  -- when that update is (or was) due
);
ALTER TABLE members ADD COLUMN kudos_dm_through TEXT;
ALTER TABLE members ADD COLUMN kudos_dm_day TEXT;
CREATE INDEX kudos_by_time ON kudos (created_at);
CREATE INDEX outbox_by_slack_ts ON outbox (channel, slack_ts) WHERE slack_ts IS NOT NULL;
