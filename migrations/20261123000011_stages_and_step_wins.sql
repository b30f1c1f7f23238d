-- Touch outcomes and block results are celebrated as wins: the automatic wins carry where
-- they came from (`source`), the touch or block behind them and, for a block, how many steps
-- they stand for. `/momentum stats` and the digest count only the wins people typed.
ALTER TABLE wins ADD COLUMN source TEXT NOT NULL DEFAULT 'win' CHECK (source IN ('win','touch','block'));
ALTER TABLE wins ADD COLUMN touch_id INTEGER REFERENCES touches (id);
ALTER TABLE wins ADD COLUMN block_id INTEGER REFERENCES blocks (id);
ALTER TABLE wins ADD COLUMN steps INTEGER NOT NULL DEFAULT 1;
CREATE INDEX wins_by_touch ON wins (touch_id) WHERE touch_id IS NOT NULL;
CREATE INDEX wins_by_block ON wins (block_id) WHERE block_id IS NOT NULL;

-- Where a prospect stands, from the outcomes logged: only those still being prospected get
-- cadence nudges and "touch N of 10".
ALTER TABLE prospects ADD COLUMN stage TEXT NOT NULL DEFAULT 'prospecting'
    CHECK (stage IN ('prospecting','engaged','meeting','closed'));
UPDATE prospects SET stage = CASE
    WHEN EXISTS (SELECT 1 FROM touches t WHERE t.prospect_id = prospects.id AND t.outcome = 'meeting') THEN 'meeting'
    WHEN EXISTS (SELECT 1 FROM touches t WHERE t.prospect_id = prospects.id AND t.outcome IN ('replied','talked','callback')) THEN 'engaged'
    ELSE 'prospecting' END;
-- When the rep was last told a prospect had ten touches without a response (once).
ALTER TABLE prospects ADD COLUMN let_go_suggested_at TEXT;
DROP INDEX prospects_cadence;
CREATE INDEX prospects_cadence ON prospects (team_id, user_id) WHERE status = 'active' AND stage = 'prospecting';

-- A call-back's local day, and when its reminder DM was queued.
ALTER TABLE touches ADD COLUMN callback_on TEXT;
ALTER TABLE touches ADD COLUMN callback_sent_at TEXT;
CREATE INDEX touches_callbacks_due ON touches (callback_on) WHERE callback_on IS NOT NULL AND callback_sent_at IS NULL;
