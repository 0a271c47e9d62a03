/**
 * Pinned to SQLite (the `.sqlite.test.ts` rule in vitest.config.ts): without DATABASE_URL the bot keeps
 * its runs in a file, and this is where that file goes when nobody says.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { botProcessPerTest } from '../support/botProcessPerTest.js';

describe('starting on SQLite with no DATABASE_PATH', () => {
  const open = botProcessPerTest();

  it('creates its database under ./data on first start and answers /healthz once ready', async () => {
    const bed = await open({ checklists: 'checklists', ownDatabasePath: true });
    const bot = await bed.start({ cwd: bed.dir });
    const response = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; checklists: number; paging: string };
    expect(body).toMatchObject({ ok: true, checklists: 2, paging: 'off' });
    expect(existsSync(join(bed.dir, 'data', 'deployday.db'))).toBe(true);
    expect(bot.output()).toContain('paging is off');
  });
});
