-- The scheduler: every scheduled run is claimed once, in the same transaction that queues its
-- messages. `scope` is the team, member or manager the run is for.
CREATE TABLE job_runs (
    job          TEXT NOT NULL,
    scope        TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    claimed_at   TEXT NOT NULL,
    PRIMARY KEY (job, scope, scheduled_at)
) WITHOUT ROWID;
CREATE INDEX job_runs_latest ON job_runs (job, scope, scheduled_at DESC);

-- Where each prospect stands, kept with every touch so cadence checks need no scan of touches.
ALTER TABLE prospects ADD COLUMN touch_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prospects ADD COLUMN last_touch_day TEXT;
UPDATE prospects SET
    touch_count = (SELECT COUNT(*) FROM touches t WHERE t.prospect_id = prospects.id),
    last_touch_day = (SELECT MAX(day) FROM touches t WHERE t.prospect_id = prospects.id);
CREATE INDEX prospects_cadence ON prospects (team_id, user_id) WHERE status = 'active' AND touch_count < 10;

-- The shout-out celebrates what was logged since the previous one.
ALTER TABLE teams ADD COLUMN shoutout_through TEXT;

-- Block reminders: each is sent once.
ALTER TABLE blocks ADD COLUMN reminded_at TEXT;
ALTER TABLE blocks ADD COLUMN followed_up_at TEXT;

-- Nudges can be snoozed.
ALTER TABLE members ADD COLUMN snoozed_until TEXT;
