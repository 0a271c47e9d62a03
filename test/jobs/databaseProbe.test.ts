import { describe, expect, it } from 'vitest';
import { DatabaseProbe, type ProbedDatabase } from '../../src/jobs/databaseProbe.js';

/** A database whose answer to `SELECT 1` the test chooses: 'answer', 'refuse' (an error) or 'hang' (never answers). */
function scriptedDatabase(engine: ProbedDatabase['engine'] = 'postgres') {
  const state = { mode: 'answer' as 'answer' | 'refuse' | 'hang', asked: 0 };
  const db: ProbedDatabase = {
    engine,
    ping: () => {
      state.asked++;
      if (state.mode === 'answer') return Promise.resolve(1);
      if (state.mode === 'refuse') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      return new Promise(() => undefined);
    },
  };
  return { db, state };
}

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: { info: (...m: unknown[]) => lines.push(`INFO ${m.join(' ')}`), warn: (...m: unknown[]) => lines.push(`WARN ${m.join(' ')}`) },
  };
}

describe('database probe', () => {
  it('counts the database lost only after the given number of failed probes in a row, and back at the first answer', async () => {
    const { db, state } = scriptedDatabase();
    const { lines, logger } = recordingLogger();
    const probe = new DatabaseProbe(db, logger, { failuresBeforeDown: 3 });
    state.mode = 'refuse';
    expect(await probe.probe()).toBe(false);
    expect(await probe.probe()).toBe(false);
    expect(probe.up).toBe(true);
    expect(await probe.probe()).toBe(false);
    expect(probe.up).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/^WARN the database does not answer \(connect ECONNREFUSED .*\): \/healthz answers 503/)]);
    state.mode = 'answer';
    expect(await probe.probe()).toBe(true);
    expect(probe.up).toBe(true);
    expect(lines[1]).toMatch(/^INFO the database answers again/);
  });

  it('a failure between answers starts the count again', async () => {
    const { db, state } = scriptedDatabase();
    const probe = new DatabaseProbe(db, recordingLogger().logger, { failuresBeforeDown: 2 });
    state.mode = 'refuse';
    await probe.probe();
    state.mode = 'answer';
    await probe.probe();
    state.mode = 'refuse';
    await probe.probe();
    expect(probe.up).toBe(true);
  });

  it('a database that does not answer within the timeout counts as a failure, and is not asked again while it still has not', async () => {
    const { db, state } = scriptedDatabase();
    const { lines, logger } = recordingLogger();
    const probe = new DatabaseProbe(db, logger, { failuresBeforeDown: 2, timeoutMs: 10 });
    state.mode = 'hang';
    expect(await probe.probe()).toBe(false);
    expect(await probe.probe()).toBe(false);
    expect(state.asked).toBe(1);
    expect(probe.up).toBe(false);
    expect(lines[0]).toContain('the previous probe has not been answered after 10 ms');
  });

  it('reports the engine and how long ago the database last answered', async () => {
    let now = 1_000;
    const { db, state } = scriptedDatabase();
    const probe = new DatabaseProbe(db, recordingLogger().logger, { failuresBeforeDown: 1 }, () => now);
    now = 4_000;
    expect(probe.status()).toEqual({ engine: 'postgres', up: true, lastAnsweredAgoMs: 3_000 });
    await probe.probe();
    state.mode = 'refuse';
    now = 6_500;
    await probe.probe();
    expect(probe.status()).toEqual({ engine: 'postgres', up: false, lastAnsweredAgoMs: 2_500 });
  });

  it('never asks SQLite, a file of this process, and always reports it up', async () => {
    const { db, state } = scriptedDatabase('sqlite');
    const probe = new DatabaseProbe(db, recordingLogger().logger, { intervalMs: 1 });
    probe.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await probe.stop();
    expect(state.asked).toBe(0);
    expect(probe.status()).toEqual({ engine: 'sqlite', up: true, lastAnsweredAgoMs: 0 });
  });
});
