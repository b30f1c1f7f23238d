-- Weekly goals: set by a manager for their whole team (`scope = 'team'`, `user_id` = the
-- manager) or for one rep (`scope = 'rep'`, `user_id` = the rep). A rep's goal for each number
-- is their own if set, else their manager's team goal. NULL: no goal for that number.
CREATE TABLE goals (
    team_id       TEXT NOT NULL,
    scope         TEXT NOT NULL CHECK (scope IN ('team','rep')),
    user_id       TEXT NOT NULL,
    touches       INTEGER CHECK (touches > 0),
    conversations INTEGER CHECK (conversations > 0),
    meetings      INTEGER CHECK (meetings > 0),
    blocks        INTEGER CHECK (blocks > 0),
    set_by        TEXT NOT NULL,
    set_at        TEXT NOT NULL,
    PRIMARY KEY (team_id, scope, user_id)
) WITHOUT ROWID;

-- Each goal reached, once per rep, week (its Monday) and number: celebrated in the next
-- shout-out.
CREATE TABLE goal_hits (
    team_id  TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    week     TEXT NOT NULL,
    metric   TEXT NOT NULL CHECK (metric IN ('touches','conversations','meetings','blocks')),
    hit_at   TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id, week, metric)
) WITHOUT ROWID;
