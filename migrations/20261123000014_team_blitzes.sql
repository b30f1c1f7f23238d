-- A blitz counts the starter's team: the reps of `team_manager` and the manager. NULL (blitzes
-- started before teams existed, or by someone on no team) counts the whole workspace.
ALTER TABLE blitzes ADD COLUMN team_manager TEXT;
CREATE INDEX blitzes_by_team_manager ON blitzes (team_id, team_manager, id) WHERE ended_at IS NOT NULL;
