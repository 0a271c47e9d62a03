import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../support/startBot.js';
import { startHarness, startRun, ALICE, CHANNEL, optionsIn } from './checklistHarness.js';
import { databaseEnv } from '../support/testDatabase.js';

const BIN = join(REPO_ROOT, 'bin', 'deployday.js');

function deployday(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 45_000, // a hang guard below vitest's 60 s test timeout, not a budget: a busy machine slows the CLI's start
  });
}

describe('the deployday command', () => {
  it('lints good checklists with a summary and exit 0', () => {
    const result = deployday(['lint', 'checklists/standard-release.md', 'checklists/hotfix.md']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/checklists\/standard-release\.md: ok — \d+ phases/);
    expect(result.stdout).toMatch(/checklists\/hotfix\.md: ok — /);
  });

  it('lints a broken checklist as file:line: problems and exits non-zero', () => {
    const result = deployday(['lint', 'test/fixtures/checklists/broken.md']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^test\/fixtures\/checklists\/broken\.md:\d+: error: /m);
  });

  it('prints usage and exits 2 for an unknown command', () => {
    const result = deployday(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: deployday');
  });

  it('exports a run as a markdown audit record and as JSON', async () => {
    const dir = tempDir();
    const databasePath = join(dir.dir, 'deployday.db');
    const h = await startHarness({ databasePath });
    try {
      await startRun(h);
      const message = h.fake.messages(CHANNEL).find((m) => optionsIn(m).some((o) => o.text.includes('Announce the window')))!;
      const option = optionsIn(message).find((o) => o.text.includes('Announce the window'))!;
      expect(
        (await h.bot.slack.clickCheckbox({ user: ALICE, ts: message.ts, blockId: option.blockId, itemValue: option.value, checked: true })).status,
      ).toBe(200);
    } finally {
      await h.close();
    }
    const database = await databaseEnv(databasePath);
    const markdown = deployday(['export', '1'], database);
    expect(markdown.status).toBe(0);
    expect(markdown.stdout).toContain('# Deployment record: run #1 — Small Release');
    expect(markdown.stdout).toMatch(/- \[x\] Announce the window in #releases — U0ALICE at 20\d\d-/);
    expect(markdown.stdout).toMatch(/U0ALICE item\.tick s\d+\.i0/);
    const json = JSON.parse(deployday(['export', '#1', '--format', 'json'], database).stdout) as {
      run: { id: number; status: string };
      audit: Array<{ action: string }>;
    };
    expect(json.run).toMatchObject({ id: 1, status: 'active' });
    expect(json.audit.map((a) => a.action)).toEqual(['run.start', 'item.tick']);
    expect(deployday(['export', '2'], database).status).toBe(1);
    dir.remove();
    // A bot, then three CLI processes one after another: on a busy machine that outruns the usual 60 s guard.
  }, 120_000);
});
