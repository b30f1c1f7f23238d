-- Invitations to a manager's team: `/momentum team add @rep` by someone who is not a workspace
-- admin asks the rep first. Until the rep accepts, the asker sees nothing of them (the link is
-- `members.manager_id`, set only on acceptance). An invitation lapses 7 days after `asked_at`.
CREATE TABLE team_invites (
    team_id    TEXT NOT NULL,
    rep_id     TEXT NOT NULL,
    manager_id TEXT NOT NULL,
    asked_at   TEXT NOT NULL,
    PRIMARY KEY (team_id, rep_id, manager_id)
) WITHOUT ROWID;
