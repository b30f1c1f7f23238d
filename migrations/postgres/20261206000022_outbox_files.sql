-- Files on their way to Slack (a digest's chart, a CSV export). Their outbox row (method
-- files.completeUploadExternal) says what to make; the delivery makes the files outside any
-- write transaction and keeps each part here, with how far its upload got, so a restart
-- between Slack's three steps resumes instead of starting over or sharing twice. Parts are
-- deleted once the row is sent or given up.
CREATE TABLE outbox_files (
    outbox_id   BIGINT NOT NULL,
    part        BIGINT NOT NULL,
    filename    TEXT NOT NULL,
    title       TEXT NOT NULL,
    alt_txt     TEXT,
    content     BYTEA NOT NULL,
    file_id     TEXT,
    upload_url  TEXT,
    uploaded_at TIMESTAMPTZ,
    PRIMARY KEY (outbox_id, part)
);

-- The conversation Slack delivered a message into (a DM's D… id when the row named a user):
-- a file that follows the message is shared there.
ALTER TABLE outbox ADD COLUMN slack_channel TEXT;
