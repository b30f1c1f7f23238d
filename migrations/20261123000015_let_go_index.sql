-- Prospects that recently reached ten touches without a response and were not yet suggested
-- for letting go: read by every nudge run, so indexed on their last touch.
CREATE INDEX prospects_let_go ON prospects (last_touch_day)
    WHERE status = 'active' AND stage = 'prospecting' AND touch_count >= 10 AND let_go_suggested_at IS NULL;
