-- Team-wide reads by local day (digests, stats over a period) use these instead of walking
-- every member's history.
CREATE INDEX touches_by_day ON touches (team_id, day);
CREATE INDEX wins_by_day ON wins (team_id, day);
CREATE INDEX blocks_by_day ON blocks (team_id, day);
-- "Who replaces this no?" looks prospects up by what they replace.
CREATE INDEX prospects_by_replaced ON prospects (replaces_id) WHERE replaces_id IS NOT NULL;
