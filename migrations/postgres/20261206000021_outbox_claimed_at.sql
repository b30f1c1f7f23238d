-- When a row was last claimed for delivery, on the wall clock (Slack's real time, whatever
-- business time the claiming process runs at): the per-channel pacing of deliveries can be
-- read back from it, across replicas.
ALTER TABLE outbox ADD COLUMN claimed_at TIMESTAMPTZ;
