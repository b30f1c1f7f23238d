-- The deployment's defaults, written at start-up from the configuration, so queries resolve a
-- member's zone in one place: their own, else their team's, else this one.
CREATE TABLE app_defaults (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    tz TEXT NOT NULL
);
INSERT INTO app_defaults (id, tz) VALUES (1, 'UTC');
