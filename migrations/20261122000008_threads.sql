-- A message can be a thread reply to another queued message: it waits until its parent is
-- delivered, then goes out with the parent's ts as thread_ts.
ALTER TABLE outbox ADD COLUMN parent_id INTEGER REFERENCES outbox (id);
