import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RUN_REPORT_METADATA_TYPE, RunReportJob } from '../../src/jobs/runReportJob.js';
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
  const replica = (db: Db, id: string, leaseMs?: number): RunReportJob => {
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
    });
    jobs.push(job);
    return job;
  };
  /** The run's summaries in the channel, told apart by the metadata every summary carries. */
  const summariesOf = (runId: number) =>
    fake.messages(CHANNEL).filter((m) => m.metadata?.event_type === RUN_REPORT_METADATA_TYPE && m.metadata.event_payload['run_id'] === runId);
  const sharesOf = (runId: number) => fake.files.shares.filter((s) => s.files.some((f) => f.title?.startsWith(`Run #${runId} `)));

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
    const runId = await addRun(dbs.a, CHANNEL);
    const now = Date.now();
    // Queued and claimed on the other replica (in one transaction, so B cannot claim it first); B is
    // not told, and finds it by its own look every scan interval.
    const gone = leaseOf('replica-gone', now, 1_500);
    const claimed = await dbs.a.tx(async () => {
      await createReportQueue(dbs.a, 'replica-gone').enqueue(runId, now);
      return await claimDueRunReports(dbs.a, now, 5, gone);
    });
    expect(claimed).toHaveLength(1);
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
