-- Days since the previous touch on the same prospect, kept with each touch so the digest's
-- "median days between touches" is a grouped count, not a walk through every history.
ALTER TABLE touches ADD COLUMN gap_days INTEGER;
UPDATE touches SET gap_days = (
    SELECT CAST(julianday(touches.day) - julianday(e.day) AS INTEGER) FROM touches e
    WHERE e.prospect_id = touches.prospect_id AND e.id < touches.id ORDER BY e.id DESC LIMIT 1);
