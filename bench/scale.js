/**
 * scale: does a year of history slow the bot down or fill its memory? `/deploy status` and a
 * click's ack on a database holding 10,000 past runs and 1,000,000 audit rows, against the same
 * on an empty database; and resident memory of the idle bot and of the bot with 20 active
 * 150-item runs, against a bare Bolt app's idle memory. All in this one process, in sequence.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startClickLoad } from './support/clickLoad.js';
import { benchTempDir, startDeployday } from './support/bots.js';
import { ACTIVE_RUNS, bareMemory, deploydayMemory, startRun } from './support/memoryProbe.js';
import { writeBenchChecklists } from './support/benchChecklist.js';
import { startBenchSlack } from './support/benchSlack.js';
import { fullScans, recordStatements } from './support/queryPlans.js';
import { against, againstRatio, heading, line, loadAverage, mib, ms, ratio, summarize } from './support/report.js';
import { createSlackSender } from './support/slackRequests.js';

const BUILD_SCRIPT = fileURLToPath(new URL('./support/buildScaleDb.js', import.meta.url));
const PROBE_SCRIPT = fileURLToPath(new URL('./support/memoryProbe.js', import.meta.url));
const STATUS_REQUESTS = 330; // the first 30 of each bot are warm-up
const STATUS_WARMUP = 30;
const CLICK_ROUNDS = 6;
const CLICKS_PER_ROUND = 50;
/**
 * Fresh starts per memory case, in turns (both bare Bolts, empty, full, then again). One start's
 * settled RSS can carry up to 10 MiB of free memory a glibc thread heap kept from compiling the HTTP
 * client's WebAssembly parser, at random (docs/performance.md, "Fifth pass" and "Sixth pass"); the
 * median of three is the figure, and all three are printed.
 */
const FRESH_STARTS = 3;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Builds the history database in a child process, so its memory never counts here. */
function buildHistory(path, benchChannel) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILD_SCRIPT, path, benchChannel], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}')) : reject(new Error(`history build exited with ${code}`)),
    );
  });
}

/** Runs the memory probe in a fresh process: RSS there starts from nothing. */
function probeInFreshProcess(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', PROBE_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}')) : reject(new Error(`memory probe ${args[0]} exited with ${code}`)),
    );
  });
}

export async function scaleBench() {
  heading('scale: 10,000 past runs and 1,000,000 audit rows against an empty database');
  const fake = await startBenchSlack();
  const checklists = writeBenchChecklists('bench-release', 150);
  const tmp = benchTempDir();
  const started = Date.now();
  try {
    const history = join(tmp.dir, 'history-template.db');
    const built = await buildHistory(history, 'C0SCALEF');
    line(
      'history database',
      `${built.runs} runs, ${built.audit} audit rows, ${built.itemStates} item states, ${built.reminders} reminders; ${mib(built.bytes)}, built in ${(built.ms / 1000).toFixed(1)} s`,
    );
    const copyOfHistory = (name) => {
      const path = join(tmp.dir, name);
      copyFileSync(history, path);
      return path;
    };

    // Memory first, while the process is fresh: bare Bolt, then deployday on each database.
    const shared = {
      bare: await bareMemory(fake, true),
      empty: await deploydayMemory(fake, { databasePath: join(tmp.dir, 'memory-empty.db'), checklistsDir: checklists.dir }, 'C0MEME'),
      full: await deploydayMemory(fake, { databasePath: copyOfHistory('memory-full.db'), checklistsDir: checklists.dir }, 'C0MEMF'),
    };
    // The baseline is bare Bolt once it has made the one Slack call Bolt makes by default as it starts
    // (auth.test), as deployday has; the one that never called Slack is read too and printed beside it.
    const starts = { bareSilent: [], bare: [], empty: [], full: [] };
    for (let i = 0; i < FRESH_STARTS; i += 1) {
      starts.bareSilent.push(await probeInFreshProcess(['bare']));
      starts.bare.push(await probeInFreshProcess(['bare-verified']));
      starts.empty.push(await probeInFreshProcess(['deployday', join(tmp.dir, `probe-empty-${i}.db`), checklists.dir]));
      const fullCopy = copyOfHistory(`probe-full-${i}.db`);
      starts.full.push(await probeInFreshProcess(['deployday', fullCopy, checklists.dir]));
      rmSync(fullCopy, { force: true });
    }
    const medianStart = (runs) => ({ idle: median(runs.map((r) => r.idle)), active: median(runs.map((r) => r.active ?? 0)) });
    const fresh = {
      bareSilent: medianStart(starts.bareSilent),
      bare: medianStart(starts.bare),
      empty: medianStart(starts.empty),
      full: medianStart(starts.full),
    };

    // Latency: both bots up at once, measured in alternating rounds so load drift falls on both.
    const bots = {
      empty: {
        channel: 'C0SCALEE',
        dd: await startDeployday({ fake, databasePath: join(tmp.dir, 'latency-empty.db'), checklistsDir: checklists.dir }),
      },
      full: {
        channel: 'C0SCALEF',
        dd: await startDeployday({ fake, databasePath: copyOfHistory('latency-full.db'), checklistsDir: checklists.dir }),
      },
    };
    for (const bot of Object.values(bots)) {
      bot.runId = await startRun(bot.dd.url, fake, bot.channel);
      await bot.dd.bot.sync.idle();
      bot.messages = structuredClone(fake.messages(bot.channel));
      bot.sender = createSlackSender({ baseUrl: bot.dd.url });
      bot.status = [];
      bot.clicks = [];
      bot.failures = 0;
      bot.load = startClickLoad({
        url: bot.dd.url,
        channel: bot.channel,
        messages: bot.messages,
        senders: 1,
        responseUrl: fake.responseUrl('click'),
      });
      bot.recorder = recordStatements(bot.dd.bot.db);
    }
    // /deploy status alternates bot by bot, request by request.
    for (let i = 0; i < STATUS_REQUESTS; i += 1) {
      for (const bot of i % 2 === 0 ? [bots.empty, bots.full] : [bots.full, bots.empty]) {
        const reply = await bot.sender.command('status', { channel: bot.channel, responseUrl: fake.responseUrl('status') });
        if (reply.status !== 200 || !reply.text.includes(`#${bot.runId}`)) bot.failures += 1;
        if (i >= STATUS_WARMUP) bot.status.push(reply.ms);
      }
    }
    // Clicks (one sender, so each ack is measured alone) alternate in rounds.
    for (let round = 0; round < CLICK_ROUNDS; round += 1) {
      for (const bot of round % 2 === 0 ? [bots.empty, bots.full] : [bots.full, bots.empty]) {
        const clicks = await bot.load.round(CLICKS_PER_ROUND, round === 0 ? 20 : 0);
        bot.clicks.push(...clicks.latencies);
        bot.failures += clicks.sent - clicks.ok;
      }
    }
    await Promise.all(Object.values(bots).map((bot) => bot.load.close()));
    await Promise.all(Object.values(bots).map((bot) => bot.dd.bot.sync.idle()));
    for (const bot of Object.values(bots)) bot.recorder.stop();
    const scans = fullScans(bots.full.dd.bot.db, new Set([...bots.full.recorder.sqls, ...bots.empty.recorder.sqls]));
    const statementCount = new Set([...bots.full.recorder.sqls, ...bots.empty.recorder.sqls]).size;
    for (const bot of Object.values(bots)) await bot.dd.stop();

    const se = summarize(bots.empty.status);
    const sf = summarize(bots.full.status);
    const ce = summarize(bots.empty.clicks);
    const cf = summarize(bots.full.clicks);
    line('/deploy status  empty p50 / p99', `${ms(se.p50)} / ${ms(se.p99)}   (n = ${se.n}, sequential)`);
    line('/deploy status  full  p50 / p99', `${ms(sf.p50)} / ${ms(sf.p99)}`);
    line(
      '/deploy status  ratio full/empty',
      against(`p50 ${ratio(sf.p50, se.p50).toFixed(2)}x, p99 ${ratio(sf.p99, se.p99).toFixed(2)}x`, 'p50 ≤ 1.5x', ratio(sf.p50, se.p50) <= 1.5),
    );
    line('click ack       empty p50 / p99', `${ms(ce.p50)} / ${ms(ce.p99)}   (n = ${ce.n}, sequential)`);
    line('click ack       full  p50 / p99', `${ms(cf.p50)} / ${ms(cf.p99)}`);
    line(
      'click ack       ratio full/empty',
      against(`p50 ${ratio(cf.p50, ce.p50).toFixed(2)}x, p99 ${ratio(cf.p99, ce.p99).toFixed(2)}x`, 'p50 ≤ 1.5x', ratio(cf.p50, ce.p50) <= 1.5),
    );
    if (bots.empty.failures + bots.full.failures > 0) line('failed requests', `${bots.empty.failures} empty, ${bots.full.failures} full   MISSED`);
    line(
      'full scans of growing tables',
      scans.length === 0
        ? `none among ${statementCount} distinct statements (EXPLAIN QUERY PLAN)`
        : `${scans.length} of ${statementCount} statements   MISSED`,
    );
    for (const scan of scans) line('  scan', `${scan.sql}\n${' '.repeat(43)}plan: ${scan.plan.join(' | ')}`);

    const rssCell = (value, bare) => `${mib(value).padStart(10)} ${`(${ratio(value, bare).toFixed(2)}x)`.padEnd(9)}`;
    line('rss after gc (× bare Bolt idle)', `this process, in turn   fresh process, median of ${FRESH_STARTS}`);
    const rows = [
      ['bare Bolt, idle (after auth.test)', (m) => m.bare.idle],
      ['deployday idle, empty db', (m) => m.empty.idle],
      [`deployday ${ACTIVE_RUNS} active runs, empty db`, (m) => m.empty.active],
      ['deployday idle, full db', (m) => m.full.idle],
      [`deployday ${ACTIVE_RUNS} active runs, full db`, (m) => m.full.active],
    ];
    for (const [label, pick] of rows) line(`  ${label}`, `${rssCell(pick(shared), shared.bare.idle)}    ${rssCell(pick(fresh), fresh.bare.idle)}`);
    const each = (runs, key) => runs.map((r) => mib(r[key]).replace(' MiB', '')).join(', ');
    line(
      '  fresh starts, MiB',
      `bare ${each(starts.bare, 'idle')} (no Slack call: ${each(starts.bareSilent, 'idle')}); idle ${each(starts.empty, 'idle')}; ${ACTIVE_RUNS} runs ${each(starts.empty, 'active')}`,
    );
    line('', `full db: idle ${each(starts.full, 'idle')}; ${ACTIVE_RUNS} runs ${each(starts.full, 'active')}`);
    line(
      '  bare Bolt that never called Slack',
      `${mib(fresh.bareSilent.idle)}; against it deployday idle ${ratio(fresh.empty.idle, fresh.bareSilent.idle).toFixed(2)}x, ${ACTIVE_RUNS} runs ${ratio(fresh.empty.active, fresh.bareSilent.idle).toFixed(2)}x`,
    );
    // Issue 14's memory targets, on the fresh-process figures (a shared process carries earlier peaks).
    line('target: idle RSS (fresh, empty db)', againstRatio(ratio(fresh.empty.idle, fresh.bare.idle), '≤', 1.2));
    line(`target: ${ACTIVE_RUNS} active runs (fresh, empty db)`, againstRatio(ratio(fresh.empty.active, fresh.bare.idle), '≤', 1.35));
    const historyCost = fresh.full.idle - fresh.empty.idle;
    line('target: full db adds (fresh, idle)', against(mib(historyCost), '≤ 10 MiB', historyCost <= 10 * 2 ** 20));
    if (typeof globalThis.gc !== 'function') line('note', 'run with node --expose-gc: rss was read without a full collection');
    line('machine', `${loadAverage()}; scale bench took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { statusRatio: ratio(sf.p50, se.p50), clickRatio: ratio(cf.p50, ce.p50), scans, memory: { shared, fresh, starts } };
  } finally {
    await fake.close();
    tmp.remove();
    checklists.remove();
  }
}
