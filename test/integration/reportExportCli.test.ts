import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../support/startBot.js';
import { ackText, ALICE, clickItem, startHarness, startRun } from './checklistHarness.js';
import { databaseEnv } from '../support/testDatabase.js';

const BIN = join(REPO_ROOT, 'bin', 'deployday.js');

function deployday(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 45_000 });
}

describe('deployday export --format png|html', () => {
  it('writes the same timeline picture and HTML page the thread gets, from the database alone', async () => {
    const dir = tempDir();
    const databasePath = join(dir.dir, 'deployday.db');
    const h = await startHarness({ databasePath });
    try {
      await startRun(h);
      expect((await clickItem(h, 's0.i0', { user: ALICE })).status).toBe(200);
      ackText(await h.bot.slack.command('abort changed our minds', { user: ALICE }));
      await h.bot.bot.reporting.reportJob.idle();
    } finally {
      await h.close();
    }
    const env = await databaseEnv(databasePath);
    const png = deployday(['export', '1', '--format', 'png'], env);
    expect(png.status).toBe(0);
    const image = PNG.sync.read(png.stdout);
    expect(image.width).toBeGreaterThan(1000);
    expect(image.height).toBeGreaterThan(200);

    const html = deployday(['export', '#1', '--format', 'html'], env);
    expect(html.status).toBe(0);
    const page = html.stdout.toString('utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(page).toContain('run.abort');
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);

    expect(deployday(['export', '1', '--format', 'pdf'], env).status).toBe(2);
    dir.remove();
  });
});
