-- The digest's grouped reads of a team's period (touches by channel, outcome and gap; wins by
-- kind) read only these columns: covering them spares a table lookup per row, and every
-- query that used the two-column indexes still uses these.
DROP INDEX touches_by_day;
CREATE INDEX touches_by_day ON touches (team_id, day, user_id, channel, outcome, gap_days);
DROP INDEX wins_by_day;
CREATE INDEX wins_by_day ON wins (team_id, day, source, user_id, kind);
