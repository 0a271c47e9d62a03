/**
 * gateWait (issue 12): how soon a pipeline's long poll on a gate is answered once the gate is
 * decided, and what 100 pipelines waiting at once cost: memory, and click acks measured in
 * alternating rounds with and without the waiters on the same bot and run (a ratio).
 *
 * The vote goes through the same GateVoting use case a Go button calls (the Slack HTTP leg of
 * a click is measured by the ack bench); the long polls are real HTTP requests with a token.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { startClickLoad } from './support/clickLoad.js';
import { benchTempDir, startDeployday } from './support/bots.js';
import { writeBenchChecklists } from './support/benchChecklist.js';
import { startBenchSlack } from './support/benchSlack.js';
import { against, heading, line, loadAverage, mib, ms, pollUntil, ratio, settledRss, summarize } from './support/report.js';
import { createSlackSender } from './support/slackRequests.js';

const CHANNEL = 'C0BENCHGATE';
const LEAD = 'U0LEAD';
// Since issue 9 only the gates' approvers decide them (the lead is not among them in this checklist).
const APPROVER = 'U0APPROVER';
const GATES = 60;
const RUNS = 1; // 60 decided gates (the machine is shared; more overruns the bench's time limit)
const WAITERS = 100;
const SENDERS = 20;
const ROUNDS = 6;
const CLICKS_PER_ROUND = 5;

function gateChecklist() {
  const lines = ['---', 'timezone: UTC', 'roles:', `  lead: [${LEAD}]`, `  approver: [${APPROVER}]`, '---', '# Bench Gates', '', '## Gates (T-0)'];
  for (let i = 0; i < GATES; i += 1) lines.push(`- [ ] Gate ${i} Go/No-Go {#gate-${i}}`);
  return `${lines.join('\n')}\n`;
}

/** A GET that resolves with the parsed JSON answer and when it arrived. */
function getJson(agent, url, token) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, at: performance.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function gateWaitBench() {
  heading(`gateWait: gate decided → long poll answered; ${WAITERS} waiters' memory and effect on click acks`);
  const fake = await startBenchSlack();
  const checklists = writeBenchChecklists('bench-release', 100);
  writeFileSync(join(checklists.dir, 'bench-gates.md'), gateChecklist());
  const tmp = benchTempDir();
  try {
    const deployday = await startDeployday({ fake, databasePath: join(tmp.dir, 'gate.db'), checklistsDir: checklists.dir });
    const slack = createSlackSender({ baseUrl: deployday.url });
    const minted = await slack.command('token create bench-ci bench-gates', { user: LEAD, channel: CHANNEL, responseUrl: fake.responseUrl('token') });
    const token = /```(ddt_[A-Za-z0-9_-]+)```/.exec(JSON.parse(minted.text).text ?? '')?.[1];
    if (!token) throw new Error(`/deploy token create failed: ${minted.text}`);
    const { pipeline, gates } = deployday.bot.services;
    const tokenRow = await deployday.bot.services.tokens.authenticate(token);
    const agent = new Agent({ keepAlive: true, maxSockets: WAITERS + 10 });

    // 1. Latency: one waiter per gate, decided one after another.
    const latencies = [];
    for (let r = 0; r < RUNS; r += 1) {
      const runId = (await pipeline.startRun(tokenRow, { checklist: 'bench-gates', at: null, tz: null })).runId;
      for (let i = 0; i < GATES; i += 1) {
        const answer = getJson(agent, `${deployday.url}/api/v1/runs/${runId}/gates/gate-${i}?wait=30`, token);
        await pollUntil(() => deployday.bot.gateWaiters.size === 1, { timeoutMs: 5_000, everyMs: 1 });
        const decidedAt = performance.now();
        await gates.voteGate({ userId: APPROVER, channelId: CHANNEL, runId, itemId: `s0.i${i}`, vote: 'go', reason: null });
        const got = await answer;
        if (got.body.decision !== 'go') throw new Error(`gate-${i}: ${JSON.stringify(got.body)}`);
        latencies.push(got.at - decidedAt);
      }
    }
    const lat = summarize(latencies);
    line('gates decided', `${lat.n}`);
    line('decided → answered p50 / p99 / max', `${ms(lat.p50)} / ${against(ms(lat.p99), '≤ 50 ms', lat.p99 <= 50)} / ${ms(lat.max)}`);

    // 2. 100 waiters on a pending gate of another run: memory, then click acks with and without them.
    const pendingRun = (await pipeline.startRun(tokenRow, { checklist: 'bench-gates', at: null, tz: null })).runId;
    const started = await slack.command('start bench-release', { user: 'U0CLICK', channel: CHANNEL, responseUrl: fake.responseUrl('start') });
    const clickRun = Number(/#(\d+)/.exec(JSON.parse(started.text).text ?? '')?.[1]);
    await deployday.bot.sync.idle();
    const messages = structuredClone(fake.messages(CHANNEL).filter((m) => m.blocks?.some((b) => String(b.block_id ?? '').includes(`:${clickRun}:`))));
    const before = await settledRss();
    const waiting = [];
    const openWaiters = () => {
      for (let i = 0; i < WAITERS; i += 1)
        waiting.push(getJson(agent, `${deployday.url}/api/v1/runs/${pendingRun}/gates/gate-0?wait=60`, token).catch(() => null));
      return pollUntil(() => deployday.bot.gateWaiters.size === WAITERS, { timeoutMs: 10_000 });
    };
    if (!(await openWaiters())) throw new Error('the waiters did not all arrive');
    const withWaiters = await settledRss();
    line(`RSS with ${WAITERS} waiters`, against(`+${mib(withWaiters - before)}`, '≤ 5 MiB', withWaiters - before <= 5 * 2 ** 20));

    const load = startClickLoad({ url: deployday.url, channel: CHANNEL, messages, senders: SENDERS, responseUrl: fake.responseUrl('click') });
    const acks = { with: [], without: [] };
    let pendingGate = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const waitersOn = deployday.bot.gateWaiters.size === WAITERS;
      const result = await load.round(CLICKS_PER_ROUND, round === 0 ? 2 : 0);
      (waitersOn ? acks.with : acks.without).push(...result.latencies);
      if (waitersOn) {
        // Release them (a Go on the pending gate answers all 100), then run the next round without.
        await gates.voteGate({ userId: APPROVER, channelId: CHANNEL, runId: pendingRun, itemId: `s0.i${pendingGate}`, vote: 'go', reason: null });
        const answers = await Promise.all(waiting.splice(0));
        if (round === 0) line(`${WAITERS} waiters answered on one Go`, `${answers.filter((a) => a?.body?.decision === 'go').length}`);
      } else {
        // A fresh pending gate for the next "with" round.
        const next = round + 1;
        if (next < ROUNDS) {
          pendingGate = next;
          for (let i = 0; i < WAITERS; i += 1)
            waiting.push(getJson(agent, `${deployday.url}/api/v1/runs/${pendingRun}/gates/gate-${next}?wait=60`, token).catch(() => null));
          await pollUntil(() => deployday.bot.gateWaiters.size === WAITERS, { timeoutMs: 10_000 });
        }
      }
    }
    await load.close();
    const w = summarize(acks.with);
    const wo = summarize(acks.without);
    line('click ack without waiters p50 / p99', `${ms(wo.p50)} / ${ms(wo.p99)} (${wo.n} clicks)`);
    line(`click ack with ${WAITERS} waiters p50 / p99`, `${ms(w.p50)} / ${ms(w.p99)} (${w.n} clicks)`);
    line('ratio with/without p99', against(`${ratio(w.p99, wo.p99).toFixed(2)}x`, '≤ 1.2x', ratio(w.p99, wo.p99) <= 1.2));
    line('machine', loadAverage());
    agent.destroy();
    await deployday.stop();
  } finally {
    await fake.close();
    checklists.remove();
    tmp.remove();
  }
}
