import { describe, expect, it } from 'vitest';
import { TEST_ENGINE } from '../support/testDatabase.js';
import { harnessPerTest } from './checklistHarness.js';

const open = harnessPerTest();

describe('/healthz on either engine', () => {
  it('names the engine the bot runs on, says the database answers and that this replica’s workers are claiming', async () => {
    const h = await open();
    const response = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      ok: boolean;
      database: { engine: string; up: boolean; lastAnsweredAgoMs: number };
      work: { claiming: boolean };
    };
    expect(body.ok).toBe(true);
    expect(body.database).toMatchObject({ engine: TEST_ENGINE, up: true });
    expect(body.database.lastAnsweredAgoMs).toBeGreaterThanOrEqual(0);
    expect(body.work).toEqual({ claiming: true });
  });
});
