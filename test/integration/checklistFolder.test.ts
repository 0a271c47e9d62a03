import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/startBot.js';
import { repoRoot } from '../support/sharedSamples.js';
import { ackText, startHarness, startRun, type Harness } from './checklistHarness.js';

/**
 * Issue 16: a directory, a dangling symlink or a FIFO named `x.md` in CHECKLISTS_DIR made every
 * `/deploy start` and `/deploy checklists` fail (or blocked the process). Now each bad entry is one
 * line in the list and the good checklists still start.
 */

const SECRET = 'secret-line-that-must-never-be-echoed';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function botOverMessyFolder(): Promise<Harness> {
  const tmp = tempDir('deployday-folder-');
  cleanups.push(tmp.remove);
  const dir = path.join(tmp.dir, 'checklists');
  mkdirSync(dir);
  copyFileSync(path.join(repoRoot, 'test/fixtures/checklists/small-release.md'), path.join(dir, 'small-release.md'));
  mkdirSync(path.join(dir, 'folder.md'));
  symlinkSync(path.join(dir, 'gone.md'), path.join(dir, 'dangling.md'));
  execFileSync('mkfifo', [path.join(dir, 'pipe.md')]);
  writeFileSync(path.join(tmp.dir, 'secret.md'), `${SECRET}\n`);
  symlinkSync(path.join(tmp.dir, 'secret.md'), path.join(dir, 'outside.md'));
  writeFileSync(path.join(dir, 'wide.md'), `# Wide\n## Deploy\n- [ ] ok\n- [x]${'w'.repeat(3900)}\n`);
  const h = await startHarness({ checklistsDir: dir });
  cleanups.push(() => h.close());
  return h;
}

describe('a checklists folder with bad entries', () => {
  it('lists every bad entry as a problem in /deploy checklists, and a good checklist still starts', async () => {
    const h = await botOverMessyFolder();
    const text = ackText(await h.bot.slack.command('checklists'));
    expect(text).toMatch(/• `small-release` — Small Release/);
    expect(text).toContain('• `folder` ⚠️ cannot start: line 0: is a directory, not a checklist file');
    expect(text).toContain('• `dangling` ⚠️ cannot start: line 0: is a symlink to nothing (dangling)');
    expect(text).toContain('• `pipe` ⚠️ cannot start: line 0: is a FIFO, not a checklist file');
    expect(text).toContain('• `outside` ⚠️ cannot start: line 0: is a symlink to a file outside the checklists folder');
    // The long line is quoted only as a short excerpt, so the list stays readable.
    expect(text).toMatch(/• `wide` ⚠️ cannot start: line 4: malformed task box in "- \[x\]w+…"/);
    expect(text).not.toMatch(/w{100}/);
    expect(text).not.toContain(SECRET);

    const { runId } = await startRun(h, 'small-release');
    expect(runId).toBeGreaterThan(0);
    expect(ackText(await h.bot.slack.command('start pipe'))).toMatch(/`pipe` has errors and cannot start: pipe\.md:0: is a FIFO/);
    expect(h.bot.logs.join('\n')).not.toContain(SECRET);
  });
});
