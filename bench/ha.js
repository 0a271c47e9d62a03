/**
 * ha: issue 15's figures, printed (never a test).
 *  1. Click ack on PostgreSQL against SQLite and a bare Bolt app, in one process and one run, as
 *     ratios (the ack bench's method: the same click stream, rounds alternating between the apps).
 *     The PostgreSQL server keeps fsync and synchronous_commit on, as SQLite keeps synchronous = FULL.
 *  2. Reminder throughput of one replica against two on one PostgreSQL: many runs whose reminders
 *     fall due at the same moment, posted by replicas that are processes of their own.
 *  3. What a lease expiry costs: the replica posting a reminder is killed -9 with the post in
 *     flight; how late another replica posts it, against the lateness of a reminder nobody killed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { FakeSlack } from '../dist/test-support/fakeSlack.js';
import { writeBenchChecklists } from './support/benchChecklist.js';
import { startBenchSlack } from './support/benchSlack.js';
import { benchTempDir, startBareBolt, startDeployday } from './support/bots.js';
import { startClickLoad } from './support/clickLoad.js';
import { startBenchPostgres } from './support/postgres.js';
import { startReplica } from './support/replicaProcesses.js';
import { heading, line, loadAverage, ms, pollUntil, ratio, sleep, summarize } from './support/report.js';
import { createSlackSender } from './support/slackRequests.js';

const SENDERS = 50;
const CLICKS_PER_SENDER = 24; // 1,200 measured clicks per app
const WARMUP_PER_SENDER = 4;
const ROUNDS = 6;
/** Runs whose reminders fall due together, per arm of the throughput figure. */
const RUNS = 100;
/** The replicas' clock in part 3: one real second is half a minute of the day. */
const SCALE = 30;
/** Samples of a lease expiry (each costs a lease and a restart). */
const EXPIRIES = 2;

/** HA_PARTS=2,3 runs only those parts (each takes a while). */
const PARTS = new Set((process.env.HA_PARTS ?? '1,2,3').split(','));

export async function haBench() {
  const postgres = await startBenchPostgres();
  try {
    if (PARTS.has('1')) await ackOnBothEngines(postgres);
    if (PARTS.has('2')) await reminderThroughput(postgres);
    if (PARTS.has('3')) await leaseExpiryCost(postgres);
  } finally {
    await postgres.stop();
  }
}

/** 1. The ack bench's stream against bare Bolt, deployday on SQLite and deployday on PostgreSQL. */
async function ackOnBothEngines(postgres) {
  heading(`ha 1: checkbox click → HTTP 200 on PostgreSQL and SQLite, ${SENDERS} concurrent senders, 150-item run`);
  const fake = await startBenchSlack();
  const checklists = writeBenchChecklists('bench-release', 150);
  const tmp = benchTempDir();
  try {
    const engines = {
      sqlite: await startDeployday({ fake, databasePath: join(tmp.dir, 'ha.db'), checklistsDir: checklists.dir }),
      postgres: await startDeployday({ fake, databaseUrl: await postgres.createDatabase(), checklistsDir: checklists.dir }),
    };
    const bare = await startBareBolt({ fake });
    const runs = {};
    const messages = {};
    for (const [name, app] of Object.entries(engines)) {
      const channel = `C0HA${name.toUpperCase()}`;
      const started = await createSlackSender({ baseUrl: app.url }).command('start bench-release', {
        channel,
        responseUrl: fake.responseUrl('start'),
      });
      const runId = Number(/#(\d+)/.exec(started.status === 200 ? (JSON.parse(started.text).text ?? '') : '')?.[1]);
      if (!Number.isInteger(runId)) throw new Error(`/deploy start on ${name} failed: ${started.status} ${started.text}`);
      await app.bot.sync.idle();
      runs[name] = { runId, channel };
      messages[name] = structuredClone(fake.messages(channel));
    }
    const load = (url, name) =>
      startClickLoad({ url, channel: runs[name].channel, messages: messages[name], senders: SENDERS, responseUrl: fake.responseUrl('click') });
    const newApp = (url, name) => ({ load: load(url, name), latencies: [], ok: 0, wallMs: 0, statuses: {} });
    const apps = {
      bare: newApp(bare.url, 'sqlite'),
      sqlite: newApp(engines.sqlite.url, 'sqlite'),
      postgres: newApp(engines.postgres.url, 'postgres'),
    };
    const names = Object.keys(apps);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Each app goes first, second and third in turn, so drift in the machine's load falls on all alike.
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) {
        const app = apps[name];
        const result = await app.load.round(CLICKS_PER_SENDER / ROUNDS, round === 0 ? WARMUP_PER_SENDER : 0);
        app.latencies.push(...result.latencies);
        for (const [status, n] of Object.entries(result.statuses)) app.statuses[status] = (app.statuses[status] ?? 0) + n;
        app.ok += result.ok;
        app.wallMs += result.wallMs;
      }
    }
    await Promise.all(Object.values(apps).map((app) => app.load.close()));
    const persisted = {};
    for (const name of ['sqlite', 'postgres']) {
      const row = await engines[name].bot.db
        .prepare(`SELECT COUNT(*) AS n FROM audit WHERE run_id = ? AND action IN ('item.tick', 'item.untick')`)
        .get(runs[name].runId);
      persisted[name] = { rows: Number(row.n), ok: apps[name].ok };
    }
    await bare.stop();
    for (const app of Object.values(engines)) await app.stop();

    const s = Object.fromEntries(names.map((name) => [name, summarize(apps[name].latencies)]));
    const rate = (name) => (apps[name].latencies.length / apps[name].wallMs) * 1000;
    for (const name of names) {
      line(
        `${name.padEnd(9)} p50 / p99 / max`,
        `${ms(s[name].p50)} / ${ms(s[name].p99)} / ${ms(s[name].max)}   (${Math.round(rate(name))} clicks/s)`,
      );
    }
    const ratios = (a, b) =>
      `p50 ${ratio(s[a].p50, s[b].p50).toFixed(2)}x, p99 ${ratio(s[a].p99, s[b].p99).toFixed(2)}x, throughput ${ratio(rate(a), rate(b)).toFixed(2)}x`;
    line('ratio postgres/bare', ratios('postgres', 'bare'));
    line('ratio sqlite/bare', ratios('sqlite', 'bare'));
    line('ratio postgres/sqlite', ratios('postgres', 'sqlite'));
    // Slack shows an error for a click not acked within 3 s (Bolt itself answers 404 then).
    const late = (name) => apps[name].latencies.filter((latency) => latency >= 3000).length;
    line(
      'measured clicks of 3 s or more bare / sqlite / postgres',
      names.map((name) => `${late(name)} of ${apps[name].latencies.length}`).join(' / '),
    );
    line('HTTP statuses bare / sqlite / postgres', names.map((name) => JSON.stringify(apps[name].statuses)).join(' / '));
    // Fewer rows than 200s would be an acknowledged click lost. More rows are clicks Bolt answered 404
    // (not acked in 3 s) whose work still committed afterwards.
    const kept = ({ rows, ok }) => (rows < ok ? `MISSED ${ok - rows}` : rows === ok ? 'OK' : `OK (+${rows - ok} saved after a 404)`);
    line('persisted (200s = audit rows)', `sqlite ${kept(persisted.sqlite)}, postgres ${kept(persisted.postgres)}`);
    line('machine', loadAverage());
  } finally {
    await fake.close();
    tmp.remove();
    checklists.remove();
  }
}

/** A one-phase checklist (its window: an hour from T-0) whose reminders come one minute ahead ("opens soon") and at T-0 ("open now"). */
function writeTimedChecklist() {
  const dir = mkdtempSync(join(tmpdir(), 'deployday-bench-ha-'));
  const markdown = ['---', 'timezone: UTC', 'reminderLeadMinutes: 1', '---', '# HA Day', '', '## Go (T-0)', '- [ ] Flip the switch', ''];
  writeFileSync(join(dir, 'ha-day.md'), markdown.join('\n'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** 2. RUNS runs in RUNS channels, one "opens soon" each at the same moment: how fast 1 and 2 replicas post them. */
async function reminderThroughput(postgres) {
  heading(`ha 2: reminder throughput, ${RUNS} reminders due at once (one per channel), one replica against two`);
  const checklists = writeTimedChecklist();
  const results = {};
  try {
    for (const count of [1, 2]) results[count] = await throughputOf(postgres, checklists.dir, count);
  } finally {
    checklists.remove();
  }
  for (const count of [1, 2]) {
    const r = results[count];
    const late = r.lateAcks > 0 ? `; ${r.lateAcks} /deploy start not acked within 3 s` : '';
    line(
      `${count} replica${count === 1 ? ' ' : 's'}`,
      `${r.n} posted${r.done ? '' : ' (TIMED OUT)   MISSED'}${r.duplicates > 0 ? `, ${r.duplicates} twice   MISSED` : ', none twice'}; first → last ${ms(r.spanMs)} (${Math.round(r.perSecond)}/s); due → last ${ms(r.dueToLastMs)}${late}`,
    );
  }
  line('ratio two/one replicas throughput', `${ratio(results[2].perSecond, results[1].perSecond).toFixed(2)}x`);
  line('machine', loadAverage());
}

/**
 * `count` replicas on a fresh database: RUNS runs started two hours ahead, then their "opens soon"
 * reminders moved (in the database) to fall due together two seconds from now, so how long the runs
 * took to start, on a busy machine, does not matter; and how fast the replicas post them.
 */
async function throughputOf(postgres, checklistsDir, count) {
  const fake = await startBenchSlack();
  const databaseUrl = await postgres.createDatabase();
  const db = new pg.Client({ connectionString: databaseUrl });
  const env = { SLACK_API_URL: fake.apiUrl, DATABASE_URL: databaseUrl, CHECKLISTS_DIR: checklistsDir };
  const replicas = [];
  try {
    // The first applies the migrations; the second starts on a ready database.
    for (let i = 0; i < count; i += 1) replicas.push(await startReplica(env));
    await db.connect();
    const senders = replicas.map((r) => createSlackSender({ baseUrl: r.url }));
    let next = 0;
    let lateAcks = 0;
    const startOne = async () => {
      for (let i = next++; i < RUNS; i = next++) {
        const channel = `C0HA${String(i).padStart(4, '0')}`;
        for (let attempt = 0; ; attempt += 1) {
          const answer = await senders[(i + attempt) % senders.length].command('start ha-day in 2h', { channel });
          if (answer.status === 200 && /Started run/.test(answer.text)) break;
          // Not acknowledged within Slack's 3 s (a busy machine): the start may still have gone through.
          lateAcks += 1;
          await sleep(3_000);
          if ((await db.query('SELECT 1 FROM runs WHERE channel_id = $1', [channel])).rowCount > 0) break;
          if (attempt >= 3) throw new Error(`start ${i} failed: ${answer.status} ${answer.text}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, startOne));
    // Let the runs' own messages go out, then make every run's "opens soon" due at one moment.
    await pollUntil(async () => Number((await db.query('SELECT COUNT(*) AS n FROM run_messages WHERE ts IS NULL')).rows[0].n) === 0, {
      timeoutMs: 60_000,
      everyMs: 100,
    });
    const postsBefore = fake.callsTo('chat.postMessage').length;
    const due = Date.now() + 2_000;
    const moved = await db.query(`UPDATE reminders SET due_at = $1 WHERE kind = 'opens_soon' AND status = 'pending'`, [due]);
    if (moved.rowCount !== RUNS) throw new Error(`${moved.rowCount} "opens soon" reminders pending, not ${RUNS}`);
    const reminderPosts = () =>
      fake
        .callsTo('chat.postMessage')
        .slice(postsBefore)
        .filter((call) => call.ok);
    const done = await pollUntil(() => reminderPosts().length >= RUNS, { timeoutMs: 60_000, everyMs: 5 });
    // Anything posted twice shows up as a channel with two reminder posts.
    await sleep(1_000);
    const duplicates = reminderPosts().length - new Set(reminderPosts().map((call) => call.args.channel)).size;
    const posts = reminderPosts().slice(0, RUNS);
    const first = Math.min(...posts.map((p) => p.at));
    const last = Math.max(...posts.map((p) => p.at));
    return {
      done,
      n: posts.length,
      duplicates,
      lateAcks,
      dueToLastMs: last - due,
      spanMs: last - first,
      perSecond: (posts.length / Math.max(1, last - first)) * 1000,
    };
  } finally {
    await db.end().catch(() => undefined);
    for (const replica of replicas) await replica.stop();
    await fake.close();
  }
}

/** 3. The replica posting "open now" dies with the post in flight: how late it reaches the channel. */
async function leaseExpiryCost(postgres) {
  heading('ha 3: what a lease expiry costs: the posting replica killed -9 mid-post, two replicas');
  const checklists = writeTimedChecklist();
  const fake = await FakeSlack.start();
  const epoch = Date.now();
  const databaseUrl = await postgres.createDatabase();
  const env = {
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: databaseUrl,
    CHECKLISTS_DIR: checklists.dir,
    DEPLOYDAY_CLOCK_SCALE: String(SCALE),
    DEPLOYDAY_CLOCK_EPOCH: String(epoch),
  };
  const db = new pg.Client({ connectionString: databaseUrl });
  const replicas = [];
  const realOf = (virtual) => epoch + (virtual - epoch) / SCALE;
  const postedAt = (key) =>
    fake
      .callsTo('chat.postMessage')
      .find((call) => call.ok && call.args.metadata?.event_type === 'deployday_reminder' && call.args.metadata.event_payload.key === key)?.at;
  const normal = [];
  const expired = [];
  try {
    replicas.push(await startReplica(env));
    replicas.push(await startReplica(env));
    await db.connect();
    for (let sample = 0; sample < EXPIRIES; sample += 1) {
      const channel = `C0LEASE${sample}`;
      const answer = await createSlackSender({ baseUrl: replicas[sample % 2].url }).command('start ha-day in 4m', { channel });
      if (!/Started run \*?#(\d+)/.test(answer.text)) throw new Error(`start failed: ${answer.status} ${answer.text}`);
      const runId = Number(/Started run \*?#(\d+)/.exec(answer.text)[1]);
      const reminders = async () => (await db.query('SELECT key, kind, due_at, status, leased_by FROM reminders WHERE run_id = $1', [runId])).rows;
      // "Opens soon" goes out undisturbed: the lateness of a reminder nobody killed.
      const soon = await pollUntil(async () => (await reminders()).some((r) => r.kind === 'opens_soon' && r.status === 'sent'), {
        timeoutMs: 30_000,
      });
      if (!soon) throw new Error('the "opens soon" reminder was not sent');
      const opensSoon = (await reminders()).find((r) => r.kind === 'opens_soon');
      normal.push(postedAt(opensSoon.key) - realOf(Number(opensSoon.due_at)));
      // "Open now": the fake holds whichever replica's post, then refuses it (it never reaches the channel).
      fake.failNext('chat.postMessage', 1, { delayMs: 5_000, status: 500 });
      await pollUntil(() => fake.callsTo('chat.postMessage').some((call) => call.status === 0), { timeoutMs: 30_000, everyMs: 2 });
      const heldKey = fake.callsTo('chat.postMessage').find((call) => call.status === 0)?.args.metadata?.event_payload?.key;
      const held = (await reminders()).find((r) => r.key === heldKey);
      if (!held?.leased_by) throw new Error(`the held post (${heldKey}) is no claimed reminder`);
      const victim = replicas.findIndex((r) => r.output().includes(held.leased_by));
      const index = victim === -1 ? 0 : victim;
      await replicas[index].kill9();
      replicas[index] = await startReplica(env);
      await pollUntil(() => postedAt(held.key) !== undefined, { timeoutMs: 60_000 });
      expired.push(postedAt(held.key) - realOf(Number(held.due_at)));
    }
  } finally {
    await db.end().catch(() => undefined);
    for (const replica of replicas) await replica.stop();
    await fake.close();
    checklists.remove();
  }
  const { LEASE_MS } = await import('../dist/store/leases.js');
  line('lease', `${LEASE_MS / 1000} s, renewed every ${LEASE_MS / 3000} s while a post is in flight; the pollers claim every second`);
  line('late, nobody killed', normal.map((v) => ms(v)).join(', '));
  line('late, its poster killed -9 mid-post', expired.map((v) => ms(v)).join(', '));
  line('cost of the lease expiry', expired.map((v, i) => ms(v - (normal[i] ?? 0))).join(', '));
  line('machine', loadAverage());
}
