import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RUN_REPORT_METADATA_TYPE, RunReportJob, type RunReportJobOptions } from '../../src/jobs/runReportJob.js';
import { createReportQueue } from '../../src/service/reportQueue.js';
import { createBackgroundClient } from '../../src/slack/webClients.js';
import type { Db } from '../../src/store/db.js';
import { leaseOf } from '../../src/store/leases.js';
import { claimDueRunReports, findRunReport } from '../../src/store/runReports.js';
import { FAKE_BOT_TOKEN, type FakeSlack, startFakeSlack } from '../support/fakeSlack.js';
import { POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { REPLICA_ENGINES, type Replicas } from '../support/storeEngines.js';
import { waitFor } from '../support/waitFor.js';
import { finishedRun } from '../report/reportFixture.js';
import { addRun } from '../store/storeFixtures.js';
import { quietLogger } from '../support/quietLogger.js';

const CHANNEL = 'C0DEPLOY';

describe.each(REPLICA_ENGINES)('run reports on two replicas of one %s database', (_engine, open) => {
  let fake: FakeSlack;
  let dbs: Replicas;
  const jobs: RunReportJob[] = [];

  /** A replica's report job: its own queue (replica id, lease) on its own handle of the database. */
  const replica = (db: Db, id: string, leaseMs?: number, options: Partial<RunReportJobOptions> = {}): RunReportJob => {
    const job = new RunReportJob({
      queue: createReportQueue(db, id, leaseMs),
      // The report of a finished run, built as data, placed in this test's run and channel.
      reports: {
        report: async (runId) => {
          const { report, audit } = finishedRun();
          return { report: { ...report, runId, channelId: CHANNEL }, audit };
        },
      },
      clientFor: async () => createBackgroundClient(FAKE_BOT_TOKEN, fake.apiUrl, quietLogger),
      clock: { now: () => Date.now() },
      logger: quietLogger,
      retryBaseMs: 50,
      scanIntervalMs: 100,
      ...options,
    });
    jobs.push(job);
    return job;
  };
  /** The run's summaries in the channel, told apart by the metadata every summary carries. */
  const summariesOf = (runId: number) =>
    fake.messages(CHANNEL).filter((m) => m.metadata?.event_type === RUN_REPORT_METADATA_TYPE && m.metadata.event_payload['run_id'] === runId);
  const sharesOf = (runId: number) => fake.files.shares.filter((s) => s.files.some((f) => f.title?.startsWith(`Run #${runId} `)));

  /**
   * A new run whose report another replica queued and claimed, for `leaseMs`, in one transaction (so
   * no live replica claims it first); the live ones are not told, and find it by their own look.
   */
  const heldByGoneReplica = async (leaseMs = 1_500) => {
    const runId = await addRun(dbs.a, CHANNEL);
    const gone = leaseOf('replica-gone', Date.now(), leaseMs);
    const queue = createReportQueue(dbs.a, 'replica-gone');
    const claimed = await dbs.a.tx(async () => {
      await queue.enqueue(runId, gone.now);
      return await claimDueRunReports(dbs.a, gone.now, 5, gone);
    });
    expect(claimed).toHaveLength(1);
    return { runId, gone, queue };
  };

  beforeAll(async () => {
    fake = await startFakeSlack();
    dbs = await open();
  }, POSTGRES_START_TIMEOUT);
  afterEach(async () => {
    for (const job of jobs.splice(0)) await job.stop();
  });
  afterAll(async () => {
    await dbs?.close();
    await fake?.close();
  });

  it('posts one summary, with its files once, when both replicas see the run end', async () => {
    const runId = await addRun(dbs.a, CHANNEL);
    const a = replica(dbs.a, 'replica-a');
    const b = replica(dbs.b, 'replica-b');
    await a.start();
    await b.start();
    // Slack is slow to take the summary: the other replica is woken while it is in flight.
    fake.failNext('chat.postMessage', 1, { delayMs: 1_000 });
    await Promise.all([a.enqueue(runId), b.enqueue(runId)]);
    await waitFor(async () => (await findRunReport(dbs.a, runId))?.status === 'posted', { timeoutMs: 10_000 });
    await Promise.all([a.idle(), b.idle()]);

    expect(summariesOf(runId)).toHaveLength(1);
    expect(sharesOf(runId)).toHaveLength(1);
    expect(sharesOf(runId)[0]!.threadTs).toBe(summariesOf(runId)[0]!.ts);
  });

  it('finishes a report held by a replica that stopped, once its lease ran out, without posting its summary again', async () => {
    const b = replica(dbs.b, 'replica-b');
    await b.start();
    const { runId, gone } = await heldByGoneReplica();
    // That replica posted the summary and stopped before recording it or uploading the files.
    const client = createBackgroundClient(FAKE_BOT_TOKEN, fake.apiUrl, quietLogger);
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: `Run #${runId} report (posted by the replica that stopped)`,
      metadata: { event_type: RUN_REPORT_METADATA_TYPE, event_payload: { run_id: runId } },
    });
    await waitFor(async () => (await findRunReport(dbs.a, runId))?.status === 'posted', { timeoutMs: 10_000 });

    expect(summariesOf(runId)).toHaveLength(1);
    expect(sharesOf(runId)).toHaveLength(1);
    expect(sharesOf(runId)[0]!.threadTs).toBe(posted.ts);
    expect((await findRunReport(dbs.a, runId))?.summaryTs).toBe(posted.ts);
    // Not before the stopped replica's lease ran out.
    const upload = fake.callsTo('files.completeUploadExternal').find((c) => c.args['thread_ts'] === posted.ts);
    expect(upload!.at).toBeGreaterThanOrEqual(gone.now + gone.ms);
  });

  it('does not attach the files again when the replica that stopped had uploaded them before recording it', async () => {
    const b = replica(dbs.b, 'replica-b');
    await b.start();
    const { runId, queue: queueOfGone } = await heldByGoneReplica();
    // That replica posted and recorded the summary, and Slack took its files; it stopped before recording that.
    const client = createBackgroundClient(FAKE_BOT_TOKEN, fake.apiUrl, quietLogger);
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: `Run #${runId} report (posted by the replica that stopped)`,
      metadata: { event_type: RUN_REPORT_METADATA_TYPE, event_payload: { run_id: runId } },
    });
    expect(await queueOfGone.recordSummary(runId, String(posted.ts))).toBe(true);
    const base = `run-${runId}-${finishedRun().report.checklistName.replace(/[^\w.-]+/g, '-')}`;
    await client.files.uploadV2({
      channel_id: CHANNEL,
      thread_ts: String(posted.ts),
      file_uploads: [{ file: Buffer.from('# record'), filename: `${base}-record.md`, title: `Run #${runId} audit record (markdown)` }],
    });
    await waitFor(async () => (await findRunReport(dbs.a, runId))?.status === 'posted', { timeoutMs: 10_000 });

    expect(summariesOf(runId)).toHaveLength(1);
    expect(sharesOf(runId)).toHaveLength(1);
    expect(fake.callsTo('conversations.replies').some((c) => c.args['ts'] === posted.ts)).toBe(true);
  });

  it('looks for a summary and files whose answer never came, once they could have landed, before sending them again', async () => {
    const runId = await addRun(dbs.a, CHANNEL);
    // Slack carries out both calls but answers (at 2 s) after the client gave up on them (at 1 s); the
    // next attempt waits until they could have landed (2 s after giving up), with a second to spare.
    const impatient = () =>
      new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: fake.apiUrl, logger: quietLogger, timeout: 1_000, retryConfig: { retries: 0 } });
    const a = replica(dbs.a, 'replica-a', undefined, { clientFor: async () => impatient(), lateLandingMs: 2_000 });
    await a.start();
    fake.failNext('chat.postMessage', 1, { delayMs: 2_000 });
    fake.failNext('files.completeUploadExternal', 1, { delayMs: 2_000 });
    await a.enqueue(runId);
    await waitFor(async () => (await findRunReport(dbs.a, runId))?.status === 'posted', { timeoutMs: 20_000 });

    expect(summariesOf(runId)).toHaveLength(1);
    expect(sharesOf(runId)).toHaveLength(1);
    expect(sharesOf(runId)[0]!.threadTs).toBe(summariesOf(runId)[0]!.ts);
    const report = await findRunReport(dbs.a, runId);
    expect(report?.summaryTs).toBe(summariesOf(runId)[0]!.ts);
    // Both calls went unanswered once (a busy machine may add a timeout of its own).
    expect(report?.attempts).toBeGreaterThanOrEqual(2);
  });

  it('uploads the files of a report taken over when its thread cannot be read (no history scope): a second set beats none', async () => {
    const narrow = await startFakeSlack({ scopes: ['commands', 'chat:write', 'files:write'] });
    try {
      const client = createBackgroundClient(FAKE_BOT_TOKEN, narrow.apiUrl, quietLogger);
      const b = replica(dbs.b, 'replica-b', undefined, { clientFor: async () => client });
      await b.start();
      const { runId, queue: queueOfGone } = await heldByGoneReplica(1_000);
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: `Run #${runId} report (posted by the replica that stopped)` });
      expect(await queueOfGone.recordSummary(runId, String(posted.ts))).toBe(true);
      await waitFor(async () => (await findRunReport(dbs.a, runId))?.status === 'posted', { timeoutMs: 10_000 });

      expect(narrow.callsTo('conversations.replies').map((c) => c.error)).toEqual(['missing_scope']);
      expect(narrow.files.shares.map((share) => share.threadTs)).toEqual([posted.ts]);
    } finally {
      for (const job of jobs.splice(0)) await job.stop();
      await narrow.close();
    }
  });

  it('posts the summary of a report taken over from a replica that stopped before posting it', async () => {
    const runId = await addRun(dbs.a, CHANNEL);
    const now = Date.now();
    await createReportQueue(dbs.a, 'replica-gone').enqueue(runId, now);
    expect(await claimDueRunReports(dbs.a, now, 5, leaseOf('replica-gone', now - 60_000))).toHaveLength(1);

    const a = replica(dbs.a, 'replica-a');
    await a.start();
    await waitFor(async () => (await findRunReport(dbs.a, runId))?.status === 'posted', { timeoutMs: 10_000 });
    expect(summariesOf(runId)).toHaveLength(1);
    expect(sharesOf(runId)).toHaveLength(1);
  });
});
