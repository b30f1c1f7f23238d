-- Momentum's first schema. Every row is scoped by the Slack workspace (`team_id`).
-- Timestamps are ISO-8601 UTC text (`2026-11-22T18:00:00.000Z`), local calendar days are
-- `YYYY-MM-DD` text in the member's own time zone. Migrations are append-only: never edit
-- an applied one, add a new file.

-- Team-wide settings; a team without a row uses the defaults below and MOMENTUM_TZ.
CREATE TABLE teams (
    team_id             TEXT PRIMARY KEY NOT NULL,
    tz                  TEXT,
    celebration_channel TEXT,
    quiet_after         INTEGER NOT NULL DEFAULT 2 CHECK (quiet_after BETWEEN 1 AND 20),
    work_days           INTEGER NOT NULL DEFAULT 31 CHECK (work_days BETWEEN 1 AND 127), -- bit 0 = Monday
    work_start_min      INTEGER NOT NULL DEFAULT 540 CHECK (work_start_min BETWEEN 0 AND 1439),
    work_end_min        INTEGER NOT NULL DEFAULT 1020 CHECK (work_end_min BETWEEN 1 AND 1440),
    shoutout_cron       TEXT NOT NULL DEFAULT '0 0 16 * * Mon-Fri',
    digest_cron         TEXT NOT NULL DEFAULT '0 0 8 * * Mon',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- A Slack user the bot knows: rep or manager.
CREATE TABLE members (
    team_id        TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    tz             TEXT,              -- IANA name from users.info; NULL until known
    is_admin       INTEGER NOT NULL DEFAULT 0,
    profile_at     TEXT,              -- when users.info was last read
    manager_id     TEXT,
    away_until     TEXT,              -- local day, inclusive
    private        INTEGER NOT NULL DEFAULT 0,
    welcomed_at    TEXT,
    streak         INTEGER NOT NULL DEFAULT 0,
    last_step_day  TEXT,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_manager ON members (team_id, manager_id) WHERE manager_id IS NOT NULL;

-- One row per member per local day with any step: streaks, quiet reps, daily counts.
CREATE TABLE member_days (
    team_id  TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    day      TEXT NOT NULL,
    steps    INTEGER NOT NULL DEFAULT 0,
    wins     INTEGER NOT NULL DEFAULT 0,
    touches  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, user_id, day)
) WITHOUT ROWID;

CREATE TABLE wins (
    id         INTEGER PRIMARY KEY,
    team_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('connect','reply','meeting','encounter','conversation','referral','other')),
    text       TEXT NOT NULL,
    day        TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX wins_by_member ON wins (team_id, user_id, created_at);
CREATE INDEX wins_by_team ON wins (team_id, created_at);

CREATE TABLE prospects (
    id           INTEGER PRIMARY KEY,
    team_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,       -- the rep who owns the target
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,       -- lower-cased, single-spaced name: one target per rep per name
    company      TEXT,
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','dropped')),
    replaces_id  INTEGER REFERENCES prospects (id),
    dropped_at   TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (team_id, user_id, name_key)
);

CREATE TABLE touches (
    id          INTEGER PRIMARY KEY,
    team_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    prospect_id INTEGER NOT NULL REFERENCES prospects (id),
    channel     TEXT NOT NULL CHECK (channel IN ('phone','email','social','text','in_person','video')),
    outcome     TEXT NOT NULL CHECK (outcome IN ('no_answer','voicemail','replied','talked','meeting','callback','no')),
    note        TEXT NOT NULL DEFAULT '',
    day         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX touches_by_prospect ON touches (prospect_id, created_at);
CREATE INDEX touches_by_member ON touches (team_id, user_id, created_at);

CREATE TABLE blocks (
    id            INTEGER PRIMARY KEY,
    team_id       TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    starts_at     TEXT NOT NULL,
    day           TEXT NOT NULL,     -- local day of the start
    minutes       INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 720),
    status        TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','done','cancelled')),
    planned       INTEGER NOT NULL DEFAULT 1,   -- 0: results logged without a plan
    dials         INTEGER NOT NULL DEFAULT 0,
    emails        INTEGER NOT NULL DEFAULT 0,
    social        INTEGER NOT NULL DEFAULT 0,
    conversations INTEGER NOT NULL DEFAULT 0,
    meetings      INTEGER NOT NULL DEFAULT 0,
    callbacks     INTEGER NOT NULL DEFAULT 0,
    nos           INTEGER NOT NULL DEFAULT 0,
    reported_at   TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX blocks_by_member ON blocks (team_id, user_id, starts_at);
CREATE INDEX blocks_by_start ON blocks (starts_at) WHERE status = 'planned';

-- Every message the bot sends through the Slack Web API is first a row here.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    team_id         TEXT NOT NULL,
    method          TEXT NOT NULL DEFAULT 'chat.postMessage',
    channel         TEXT NOT NULL,        -- channel id, or a user id for a DM
    payload         TEXT NOT NULL,        -- JSON body of the Web API call
    dedupe_key      TEXT UNIQUE,          -- refuses a second copy of the same message
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    slack_ts        TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
