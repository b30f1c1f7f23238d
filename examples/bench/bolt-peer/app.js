// The peer Momentum is measured against: Slack's Bolt for JavaScript doing the same work for a
// signed /win as Momentum (verify the signature, parse the form, one committed SQLite row,
// an ephemeral reply), with Bolt's HTTPReceiver and better-sqlite3 (WAL, synchronous=NORMAL,
// as Momentum), in WORKERS cluster processes (default 2: one per core here).
//
//   PORT=3004 SLACK_SIGNING_SECRET=s3cret DB=/tmp/bolt.db node app.js
const cluster = require('node:cluster');
const workers = Number(process.env.WORKERS || 2);
const file = process.env.DB || '/tmp/bolt-peer.db';

function open() {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS wins (
    id INTEGER PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL,
    text TEXT NOT NULL, created_at TEXT NOT NULL)`);
  return db;
}

if (cluster.isPrimary && workers > 1) {
  open().close(); // create the schema once, before the workers race for it
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const { App, HTTPReceiver } = require('@slack/bolt');
  const db = open();
  const insert = db.prepare(
    'INSERT INTO wins (team_id, user_id, text, created_at) VALUES (?, ?, ?, ?)');
  const receiver = new HTTPReceiver({
    signingSecret: process.env.SLACK_SIGNING_SECRET,
    endpoints: '/slack/commands',
  });
  // Authorized without asking Slack (no auth.test per worker: the benchmark is offline).
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: 'xoxb-bench', botId: 'B0BENCH', botUserId: 'U0BENCH' }),
  });
  app.command('/win', async ({ command, ack }) => {
    insert.run(command.team_id, command.user_id, command.text, new Date().toISOString());
    await ack({ response_type: 'ephemeral', text: `Logged your win: ${command.text}` });
  });
  app.start(Number(process.env.PORT || 3004));
}
