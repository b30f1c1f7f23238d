-- Team holidays: no nudges on these local days.
CREATE TABLE team_holidays (
    team_id TEXT NOT NULL,
    day     TEXT NOT NULL,
    PRIMARY KEY (team_id, day)
) WITHOUT ROWID;
