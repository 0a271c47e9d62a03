/**
 * report: what the end-of-run report costs, for a 150-item run with 2,000 audit rows, as a ratio
 * to rendering that run's overview message once (the unit of work every click already pays); and
 * whether building reports delays the click acks of another run in the same process.
 *
 * The report is generated as the report job does it: the model, the SVG and both documents on the
 * event loop, the PNG on libuv's thread pool (resvg renderAsync).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startClickLoad } from './support/clickLoad.js';
import { benchTempDir, startDeployday } from './support/bots.js';
import { writeBenchChecklists } from './support/benchChecklist.js';
import { startBenchSlack } from './support/benchSlack.js';
import { against, heading, line, loadAverage, mib, ms, ratio, settledRss, summarize } from './support/report.js';
import { createSlackSender } from './support/slackRequests.js';

const BIG = 'C0BENCHBIG';
const CLICKS = 'C0BENCHCLK';
const AUDIT_ROWS = 2000;
const SENDERS = 20;
const ROUNDS = 6;
const CLICKS_PER_ROUND = 10; // per sender

async function startRunIn(dd, fake, channel) {
  const reply = await createSlackSender({ baseUrl: dd.url }).command('start bench-release', {
    channel,
    responseUrl: fake.responseUrl(`start-${channel}`),
  });
  const runId = Number(/#(\d+)/.exec(reply.status === 200 ? (JSON.parse(reply.text).text ?? '') : '')?.[1]);
  if (!Number.isInteger(runId)) throw new Error(`/deploy start in ${channel} failed: ${reply.status} ${reply.text}`);
  return runId;
}

/** Median wall time of `fn` over `n` calls (after one untimed call). */
async function medianMs(n, fn) {
  await fn();
  const samples = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return summarize(samples).p50;
}

/** JS heap allocated by one call (no collection in between) and the RSS high-water growth it caused. */
async function memoryOf(fn) {
  await settledRss();
  const before = process.memoryUsage();
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  await fn();
  const after = process.memoryUsage();
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  return {
    allocated: Math.max(0, after.heapUsed + after.external - before.heapUsed - before.external),
    peakGrowth: Math.max(0, peakAfter - Math.max(peakBefore, before.rss)),
  };
}

export async function reportBench() {
  heading(`report: end-of-run report of a 150-item run with ${AUDIT_ROWS} audit rows`);
  const { renderOverview } = await import('../dist/slack/views/overviewMessage.js');
  const { appendAudit } = await import('../dist/store/audit.js');
  const { timelineSvg } = await import('../dist/report/timelineSvg.js');
  const { timelinePngAsync } = await import('../dist/report/timelinePng.js');
  const { reportMarkdown } = await import('../dist/report/reportMarkdown.js');
  const { reportHtml } = await import('../dist/report/reportHtml.js');
  const fake = await startBenchSlack();
  const checklists = writeBenchChecklists('bench-release', 150);
  const tmp = benchTempDir();
  try {
    const dd = await startDeployday({ fake, databasePath: join(tmp.dir, 'report.db'), checklistsDir: checklists.dir });
    const big = await startRunIn(dd, fake, BIG);
    const { runs, timeline, reporting, db, services } = dd.bot;
    const run = await runs.requireRun(big);
    const items = run.checklist.phases.flatMap((p) => p.sections.flatMap((s) => s.items));
    for (const [i, item] of items.entries())
      await services.items.setItem({ userId: `U0USER${i % 12}`, channelId: BIG, runId: big, itemId: item.id, done: true });
    await services.t0.slip({ userId: run.startedBy, channelId: BIG, runId: big, minutes: 15 });
    const have = (await db.prepare('SELECT COUNT(*) AS n FROM audit WHERE run_id = ?').get(big)).n;
    await db.tx(async () => {
      for (let i = have; i < AUDIT_ROWS; i += 1) {
        await appendAudit(db, {
          runId: big,
          at: Date.now(),
          actor: `U0USER${i % 12}`,
          action: 'denied',
          target: items[i % items.length].id,
          detail: { attempted: 'item.tick', code: 'blocked' },
        });
      }
    });
    await db
      .prepare(
        `INSERT INTO pages (dedup_key, run_id, reason, state, summary, opened_at, resolved_at) VALUES (?, ?, 'phase_overdue', 'resolved', 'Phase 2 is overdue', ?, ?)`,
      )
      .run(`bench-${big}`, big, Date.now() - 600_000, Date.now() - 60_000);
    await dd.bot.sync.idle();

    const overview = async () => {
      // As the bot renders it (slack/renderRunMessage.ts): windows, then each section's state.
      const snapshot = await runs.snapshot(big);
      const windows = await timeline.windows(snapshot.run);
      const now = Date.now();
      const states = await timeline.sectionStates(snapshot, windows, now);
      renderOverview({ snapshot, windows, now, stateOf: (id) => states.get(id) ?? 'unscheduled' });
    };
    const parts = { model: 0, svg: 0, png: 0, markdown: 0, html: 0 };
    const generate = async (timed = false) => {
      let t = performance.now();
      const lap = (name) => {
        const now = performance.now();
        if (timed) parts[name] += now - t;
        t = now;
      };
      const { report, audit } = await reporting.reports.report(big);
      lap('model');
      const svg = timelineSvg(report);
      lap('svg');
      const png = await timelinePngAsync(svg);
      lap('png');
      const md = reportMarkdown(report, audit);
      lap('markdown');
      const html = reportHtml(report, audit);
      lap('html');
      return { png: png.length, md: md.length, html: html.length };
    };

    const overviewMs = await medianMs(50, overview);
    const reportMs = await medianMs(7, () => generate());
    for (let i = 0; i < 5; i += 1) await generate(true);
    const sizes = await generate();
    const overviewMem = await memoryOf(overview);
    const reportMem = await memoryOf(() => generate());

    line('audit rows in the report', `${(await db.prepare('SELECT COUNT(*) AS n FROM audit WHERE run_id = ?').get(big)).n}`);
    line('overview render (baseline), p50', ms(overviewMs));
    line('report generation, p50', `${ms(reportMs)}   = ${ratio(reportMs, overviewMs).toFixed(1)}x one overview render`);
    line(
      '  of which (mean of 5)',
      Object.entries(parts)
        .map(([k, v]) => `${k} ${ms(v / 5)}`)
        .join(', '),
    );
    line(
      '  sizes',
      `PNG ${(sizes.png / 1024).toFixed(0)} KiB, markdown ${(sizes.md / 1024).toFixed(0)} KiB, HTML ${(sizes.html / 1024).toFixed(0)} KiB`,
    );
    line(
      'heap allocated: overview / report',
      `${mib(overviewMem.allocated)} / ${mib(reportMem.allocated)} = ${ratio(reportMem.allocated, overviewMem.allocated).toFixed(1)}x`,
    );
    void reportMem.peakGrowth;
    const probe = (kind) => {
      const script = fileURLToPath(new URL('./support/reportMemoryProbe.js', import.meta.url));
      const out = JSON.parse(
        execFileSync(process.execPath, ['--expose-gc', script, join(tmp.dir, 'report.db'), String(big), kind], { encoding: 'utf8' }),
      );
      return Math.max(0, out.peak - out.settled);
    };
    const overviewPeak = probe('overview');
    const reportPeak = probe('report');
    line(
      'peak RSS growth: overview / report',
      `${mib(overviewPeak)} / ${mib(reportPeak)} = ${ratio(reportPeak, overviewPeak).toFixed(1)}x   (each in a fresh process)`,
    );

    // Another run's clicks, alternating rounds without and with reports being generated alongside.
    const clickRun = await startRunIn(dd, fake, CLICKS);
    await dd.bot.sync.idle();
    void clickRun;
    const load = startClickLoad({
      url: dd.url,
      channel: CLICKS,
      messages: structuredClone(fake.messages(CLICKS)),
      senders: SENDERS,
      responseUrl: fake.responseUrl('click'),
    });
    const quiet = [];
    const busy = [];
    let reportsDuringLoad = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const withReports = round % 2 === 1;
      let stop = false;
      const background = (async () => {
        while (withReports && !stop) {
          await generate();
          reportsDuringLoad += 1;
        }
      })();
      const result = await load.round(CLICKS_PER_ROUND, round === 0 ? 2 : 0);
      stop = true;
      await background;
      (withReports ? busy : quiet).push(...result.latencies);
    }
    await load.close();
    const q = summarize(quiet);
    const b = summarize(busy);
    line('click acks, other run: quiet p50 / p99', `${ms(q.p50)} / ${ms(q.p99)}   (${q.n} clicks)`);
    line('click acks, reports alongside p50 / p99', `${ms(b.p50)} / ${ms(b.p99)}   (${b.n} clicks, ${reportsDuringLoad} reports built meanwhile)`);
    line('ratio with reports / quiet  p99', against(`${ratio(b.p99, q.p99).toFixed(2)}x`, '≤ 1.5x', ratio(b.p99, q.p99) <= 1.5));
    line('machine', loadAverage());
    await dd.stop();
    return { overviewMs, reportMs, ratio: ratio(reportMs, overviewMs) };
  } finally {
    await fake.close();
    tmp.remove();
    checklists.remove();
  }
}
