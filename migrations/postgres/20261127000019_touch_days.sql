-- Each rep's touches of a local day, counted by channel and by outcome: what the digest and
-- goal progress read over a period, a row per rep and day instead of a row per touch. Kept in
-- step by the store as touches are logged, undone and forgotten (store/touches.rs).
CREATE TABLE touch_days (
    team_id     TEXT NOT NULL,
    day         DATE NOT NULL,
    user_id     TEXT NOT NULL,
    c_phone     BIGINT NOT NULL DEFAULT 0,
    c_email     BIGINT NOT NULL DEFAULT 0,
    c_social    BIGINT NOT NULL DEFAULT 0,
    c_text      BIGINT NOT NULL DEFAULT 0,
    c_in_person BIGINT NOT NULL DEFAULT 0,
    c_video     BIGINT NOT NULL DEFAULT 0,
    o_no_answer BIGINT NOT NULL DEFAULT 0,
    o_voicemail BIGINT NOT NULL DEFAULT 0,
    o_replied   BIGINT NOT NULL DEFAULT 0,
    o_talked    BIGINT NOT NULL DEFAULT 0,
    o_meeting   BIGINT NOT NULL DEFAULT 0,
    o_callback  BIGINT NOT NULL DEFAULT 0,
    o_no        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, day, user_id)
);
INSERT INTO touch_days (team_id, day, user_id, c_phone, c_email, c_social, c_text, c_in_person, c_video, o_no_answer, o_voicemail, o_replied, o_talked, o_meeting, o_callback, o_no)
SELECT team_id, day, user_id,
       SUM(CASE WHEN channel = 'phone' THEN 1 ELSE 0 END),
       SUM(CASE WHEN channel = 'email' THEN 1 ELSE 0 END),
       SUM(CASE WHEN channel = 'social' THEN 1 ELSE 0 END),
       SUM(CASE WHEN channel = 'text' THEN 1 ELSE 0 END),
       SUM(CASE WHEN channel = 'in_person' THEN 1 ELSE 0 END),
       SUM(CASE WHEN channel = 'video' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'no_answer' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'voicemail' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'replied' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'talked' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'meeting' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'callback' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'no' THEN 1 ELSE 0 END)
FROM touches GROUP BY team_id, day, user_id;

-- The digest's list of prospects dropped early, and of no's not yet replaced: a few rows of a
-- period, found without reading the team's every prospect or touch.
CREATE INDEX prospects_dropped ON prospects (team_id, dropped_at) WHERE status = 'dropped';
CREATE INDEX touches_nos ON touches (team_id, day, user_id, prospect_id) WHERE outcome = 'no';

-- The nudge job's three coldest and three most-touched prospects of each rep: found by a seek
-- per rep on these, instead of ranking every active prospect of every rep with a window.
DROP INDEX prospects_let_go;
CREATE INDEX prospects_let_go ON prospects (team_id, user_id, touch_count DESC, id, last_touch_day)
    WHERE status = 'active' AND stage = 'prospecting' AND touch_count >= 10 AND let_go_suggested_at IS NULL;
CREATE INDEX prospects_cold ON prospects (team_id, user_id, last_touch_day)
    WHERE status = 'active' AND stage = 'prospecting' AND touch_count < 10;
