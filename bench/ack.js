/**
 * ack: how long a person waits for a checkbox click to be acknowledged, deployday against a bare
 * Bolt app that only acks, under the same stream of signed clicks from 50 concurrent senders.
 * deployday persists each click (SQLite, synchronous = FULL) before it acks, so the check at the
 * end proves that every 200 is in the audit trail.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startClickLoad } from './support/clickLoad.js';
import { benchTempDir, startBareBolt, startDeployday } from './support/bots.js';
import { writeBenchChecklists } from './support/benchChecklist.js';
import { startBenchSlack, updatesApplied } from './support/benchSlack.js';
import { againstRatio, heading, line, loadAverage, ms, ratio, summarize } from './support/report.js';
import { createSlackSender } from './support/slackRequests.js';

const CHANNEL = 'C0BENCHACK';
const SENDERS = 50;
const CLICKS_PER_SENDER = 40; // 2,000 measured clicks per app
const WARMUP_PER_SENDER = 4;
const ROUNDS = 8; // alternating bare / deployday, 250 clicks each per round

/**
 * What one commit costs on this disk with deployday's settings (WAL, synchronous = FULL: an
 * fsync per commit) and with NORMAL, for reading the figures above: deployday commits once per click.
 */
function commitCost(dir) {
  const result = {};
  for (const mode of ['FULL', 'NORMAL']) {
    const db = new Database(join(dir, `commit-${mode}.db`));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${mode}`);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const samples = [];
    for (let i = 0; i < 300; i += 1) {
      const started = performance.now();
      db.transaction(() => insert.run(`click ${i}`))();
      samples.push(performance.now() - started);
    }
    db.close();
    result[mode] = summarize(samples.slice(50));
  }
  return result;
}

/** How late a 5 ms timer fires on this thread, sampled until `stop()`: how long the loop was held up. */
function eventLoopLag(everyMs = 5) {
  const samples = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    samples.push(Math.max(0, now - last - everyMs));
    last = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

export async function ackBench() {
  heading(`ack: checkbox click → HTTP 200, ${SENDERS} concurrent senders, 150-item run`);
  const fake = await startBenchSlack();
  const checklists = writeBenchChecklists('bench-release', 150);
  const tmp = benchTempDir();
  const databasePath = join(tmp.dir, 'ack.db');
  try {
    // Start the run and read its posted messages: both apps get clicks on these.
    const deployday = await startDeployday({ fake, databasePath, checklistsDir: checklists.dir });
    const bare = await startBareBolt({ fake });
    const started = await createSlackSender({ baseUrl: deployday.url }).command('start bench-release', {
      channel: CHANNEL,
      responseUrl: fake.responseUrl('start'),
    });
    const runId = Number(/#(\d+)/.exec(started.status === 200 ? (JSON.parse(started.text).text ?? '') : '')?.[1]);
    if (started.status !== 200 || !Number.isInteger(runId)) throw new Error(`/deploy start failed: ${started.status} ${started.text}`);
    await deployday.bot.sync.idle();
    const messages = structuredClone(fake.messages(CHANNEL));

    // Rounds alternate between the apps (and which goes first), so drift in the machine's load
    // (other processes, CPU boost) falls on both alike. Each app keeps its own view of the boxes.
    const load = (url) => startClickLoad({ url, channel: CHANNEL, messages, senders: SENDERS, responseUrl: fake.responseUrl('click') });
    const newApp = (url) => ({ load: load(url), latencies: [], statuses: {}, ok: 0, wallMs: 0, errors: [], delay: [] });
    const apps = { bare: newApp(bare.url), deployday: newApp(deployday.url) };
    const updatesBefore = updatesApplied(fake);
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? ['bare', 'deployday'] : ['deployday', 'bare'];
      for (const name of order) {
        const app = apps[name];
        // How long this thread's event loop was held up while serving this app's clicks.
        const lag = eventLoopLag();
        const result = await app.load.round(CLICKS_PER_SENDER / ROUNDS, round === 0 ? WARMUP_PER_SENDER : 0);
        app.delay.push(...lag.stop());
        app.latencies.push(...result.latencies);
        for (const [status, n] of Object.entries(result.statuses)) app.statuses[status] = (app.statuses[status] ?? 0) + n;
        app.ok += result.ok;
        app.wallMs += result.wallMs;
        app.errors.push(...result.errors);
      }
    }
    await Promise.all(Object.values(apps).map((app) => app.load.close()));
    const updatesDuringLoad = updatesApplied(fake) - updatesBefore;
    const audited = (
      await deployday.bot.db.prepare(`SELECT COUNT(*) AS n FROM audit WHERE run_id = ? AND action IN ('item.tick', 'item.untick')`).get(runId)
    ).n;
    const denied = (await deployday.bot.db.prepare(`SELECT COUNT(*) AS n FROM audit WHERE run_id = ? AND action = 'denied'`).get(runId)).n;
    await deployday.bot.sync.idle();
    const logCounts = { ...deployday.log.counts };
    await bare.stop();
    await deployday.stop();
    const bareResult = apps.bare;
    const ddResult = apps.deployday;

    const b = summarize(bareResult.latencies);
    const d = summarize(ddResult.latencies);
    line(
      'clicks measured per app',
      `${b.n} bare, ${d.n} deployday in ${ROUNDS} alternating rounds (after ${SENDERS * WARMUP_PER_SENDER} warm-up clicks each)`,
    );
    line('bare Bolt    p50 / p99 / max', `${ms(b.p50)} / ${ms(b.p99)} / ${ms(b.max)}   (${Math.round((b.n / bareResult.wallMs) * 1000)} clicks/s)`);
    line('deployday    p50 / p99 / max', `${ms(d.p50)} / ${ms(d.p99)} / ${ms(d.max)}   (${Math.round((d.n / ddResult.wallMs) * 1000)} clicks/s)`);
    // Issue 14's targets, each beside its measured ratio.
    const bareRate = b.n / bareResult.wallMs;
    const ddRate = d.n / ddResult.wallMs;
    line('ratio deployday/bare  p50', againstRatio(ratio(d.p50, b.p50), '≤', 1.2));
    line('ratio deployday/bare  p99', againstRatio(ratio(d.p99, b.p99), '≤', 1.3));
    line('ratio deployday/bare  max', `${ratio(d.max, b.max).toFixed(2)}x`);
    line('ratio deployday/bare  throughput', againstRatio(ratio(ddRate, bareRate), '≥', 0.8));
    const bareLag = summarize(bareResult.delay);
    const ddLag = summarize(ddResult.delay);
    const delay = (lag) => `p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}, max ${ms(lag.max)}`;
    line('event-loop delay   bare', delay(bareLag));
    line('event-loop delay   deployday', delay(ddLag));
    line('ratio deployday/bare  loop delay p99', againstRatio(ratio(ddLag.p99, bareLag.p99), '≤', 1.5));
    line('HTTP statuses bare / deployday', `${JSON.stringify(bareResult.statuses)} / ${JSON.stringify(ddResult.statuses)}`);
    const persisted = audited === ddResult.ok && denied === 0;
    line(
      'persisted (200s = audit rows)',
      `${ddResult.ok} HTTP 200s, ${audited} item.tick/item.untick audit rows, ${denied} refusals → ${persisted ? 'OK' : 'MISMATCH   MISSED'}`,
    );
    line('chat.update during the load', `${updatesDuringLoad} (3 phase messages + overview, coalesced)`);
    const commits = commitCost(tmp.dir);
    line(
      'one SQLite commit on this disk',
      `synchronous=FULL p50 ${ms(commits.FULL.p50)}, p99 ${ms(commits.FULL.p99)}; NORMAL p50 ${ms(commits.NORMAL.p50)}, p99 ${ms(commits.NORMAL.p99)}`,
    );
    line('machine', loadAverage());
    if (logCounts.error > 0) line('deployday log', `${logCounts.error} error line(s), ${logCounts.warn} warning(s)`);
    for (const e of [...bareResult.errors, ...ddResult.errors].slice(0, 5)) line('first errors', e);
    return {
      bare: b,
      deployday: d,
      p50Ratio: ratio(d.p50, b.p50),
      p99Ratio: ratio(d.p99, b.p99),
      throughputRatio: ratio(ddRate, bareRate),
      loopDelayRatio: ratio(ddLag.p99, bareLag.p99),
      persisted,
    };
  } finally {
    await fake.close();
    tmp.remove();
    checklists.remove();
  }
}
