// The peer Momentum is measured against: Slack's Bolt for JavaScript doing the same work for a
// signed /win as Momentum (verify the signature, parse the form, one committed SQLite row,
// an ephemeral reply), and for a signed /touch a lighter version of Momentum's (parse the
// prospect, channel and outcome; find or create the prospect and count the touch on it; store
// the touch; all in one transaction; reply with the touch's number), with Bolt's HTTPReceiver
// and better-sqlite3 (WAL, synchronous=NORMAL, as Momentum), in WORKERS cluster processes
// (default 2: one per core here).
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
  db.exec(`CREATE TABLE IF NOT EXISTS prospects (
    id INTEGER PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL, name_key TEXT NOT NULL,
    name TEXT NOT NULL, company TEXT, touch_count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (team_id, user_id, name_key))`);
  db.exec(`CREATE TABLE IF NOT EXISTS touches (
    id INTEGER PRIMARY KEY, prospect_id INTEGER NOT NULL REFERENCES prospects (id),
    channel TEXT NOT NULL, outcome TEXT NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL)`);
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
  const prospect = db.prepare(
    `INSERT INTO prospects (team_id, user_id, name_key, name, company, touch_count)
     VALUES (?, ?, ?, ?, ?, 1)
     ON CONFLICT (team_id, user_id, name_key) DO UPDATE SET touch_count = touch_count + 1
     RETURNING id, touch_count`);
  const touch = db.prepare(
    'INSERT INTO touches (prospect_id, channel, outcome, note, created_at) VALUES (?, ?, ?, ?, ?)');
  const logTouch = db.transaction((c, name, company, channel, outcome, note) => {
    const p = prospect.get(c.team_id, c.user_id, name.toLowerCase(), name, company);
    touch.run(p.id, channel, outcome, note, new Date().toISOString());
    return p.touch_count;
  });
  const CHANNELS = new Set(['phone', 'email', 'social', 'linkedin', 'in_person', 'text', 'video']);
  app.command('/touch', async ({ command, ack }) => {
    // NAME [@ COMPANY] CHANNEL OUTCOME [note]
    const words = command.text.trim().split(/\s+/);
    const at = words.findIndex((w) => CHANNELS.has(w.toLowerCase()));
    if (at < 1 || at + 1 >= words.length) {
      await ack({ response_type: 'ephemeral', text: 'Try: /touch Jane Doe @ Acme phone no_answer' });
      return;
    }
    const who = words.slice(0, at).join(' ').split(' @ ');
    const n = logTouch(command, who[0], who[1] || null, words[at].toLowerCase(),
      words[at + 1].toLowerCase(), words.slice(at + 2).join(' '));
    await ack({ response_type: 'ephemeral', text: `Touch ${n} of 10 on ${who[0]}` });
  });
  app.start(Number(process.env.PORT || 3004));
}
