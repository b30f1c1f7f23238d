-- Workspaces: one row per Slack workspace installed through "Add to Slack" (OAuth v2), and
-- the mark a workspace leaves when it uninstalls or revokes the bot token. `bot_token` is
-- sealed with AES-256-GCM under MOMENTUM_TOKEN_KEY (never plaintext) and NULL once the
-- workspace has left; its data is deleted `MOMENTUM_RETENTION_DAYS` after `left_at`.
CREATE TABLE installations (
    team_id       TEXT PRIMARY KEY NOT NULL,
    enterprise_id TEXT,
    team_name     TEXT,
    bot_user_id   TEXT,
    bot_token     TEXT,
    scopes        TEXT NOT NULL DEFAULT '',
    installed_by  TEXT,
    installed_at  TIMESTAMPTZ NOT NULL,
    left_at       TIMESTAMPTZ
);

-- The nonces of OAuth `state` values already used: a state works once.
CREATE TABLE oauth_states (
    nonce   TEXT PRIMARY KEY NOT NULL,
    used_at TIMESTAMPTZ NOT NULL
);

-- Socket Mode envelopes handled, by the id Slack redelivers them with (trigger id or event
-- id), with the acknowledgement payload sent, so a redelivery is answered the same way and
-- never handled twice, across reconnects and replicas.
CREATE TABLE socket_envelopes (
    key         TEXT PRIMARY KEY NOT NULL,
    response    TEXT,
    received_at TIMESTAMPTZ NOT NULL
);
