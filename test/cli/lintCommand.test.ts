import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { checklistName, lintCommand } from '../../src/cli/lintCommand.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Reads paths relative to the repo root, as `deployday lint checklists/hotfix.md` would from there. */
function readFromRepo(file: string): string {
  return readFileSync(path.resolve(repoRoot, file), 'utf8');
}

function readFrom(files: Record<string, string>): (file: string) => string {
  return (file) => {
    const text = files[file];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
    return text;
  };
}

describe('lintCommand', () => {
  it('prints how each rollback heading was classified and a summary line, and exits 0 for good checklists', () => {
    const result = lintCommand(['checklists/hotfix.md', 'checklists/standard-release.md'], readFromRepo);
    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n')).toEqual([
      'checklists/hotfix.md:41: note: "Rollback plan" is held back for a rollback: numbered steps without checkboxes: a procedure, held until a No-Go or `/deploy rollback`',
      'checklists/hotfix.md:59: note: escalation step 1: Incident commander',
      'checklists/hotfix.md:60: note: escalation step 2: Service owner',
      'checklists/hotfix.md:61: note: escalation step 3: Head of engineering',
      // The one count (domain/checklistCounts.ts): items of the normal run, rollback steps apart; sections timed by their own or their phase's heading.
      'checklists/hotfix.md: ok — 5 phases, 6 sections, 16 items (2 sign-offs, 1 gate), 4 timed sections, 1 rollback phase (3 steps)',
      'checklists/standard-release.md:74: note: "Rollback" is held back for a rollback: names rollback, not a preparation: held until a No-Go or `/deploy rollback`',
      'checklists/standard-release.md:102: note: escalation step 1: On-call SRE',
      'checklists/standard-release.md:103: note: escalation step 2: Release lead',
      'checklists/standard-release.md:104: note: escalation step 3: Engineering manager',
      'checklists/standard-release.md: ok — 5 phases, 8 sections, 28 items (3 sign-offs, 1 gate), 6 timed sections, 1 rollback phase (6 steps)',
    ]);
  });

  it('says what it understood of contacts, shifts, the escalation path and templates, each with its line', () => {
    const output = lintCommand(['test/fixtures/people/people-day.md'], readFromRepo).output.split('\n');
    const file = 'test/fixtures/people/people-day.md';
    expect(output).toContain(`${file}:16: note: contact "Release owner": Marta Kowalczyk <marta@ledger.test> +44 20 7946 0011`);
    expect(output).toContain(`${file}:28: note: shift Dec 4, Night 22:00-06:00 (UTC): Hana Sato`);
    expect(output).toContain(`${file}:41: note: escalation step 2 "Second line": Platform lead <plat-lead@ledger.test>`);
    expect(output).toContain(`${file}:46: note: template "Status update" (91 characters): offered with Post update in \`/deploy ref\``);
    expect(output).toContain(`${file}:35: warning: contacts table row has 3 cells but the header has 4: row not read as a contact`);
  });

  it('uses singular words for counts of one', () => {
    const result = lintCommand(['one.md'], readFrom({ 'one.md': '# One\n## Go (T-0)\n- [ ] Ship\n' }));
    expect(result.output).toBe('one.md: ok — 1 phase, 1 section, 1 item (0 sign-offs, 0 gates), 1 timed section, 0 rollback phases');
  });

  it('prints every problem as file:line: severity: message and exits 1 when a file has an error', () => {
    const result = lintCommand(['test/fixtures/checklists/broken.md'], readFromRepo);
    expect(result.exitCode).toBe(1);
    const lines = result.output.split('\n');
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line).toMatch(/^test\/fixtures\/checklists\/broken\.md:\d+: error: .+/);
    expect(lines[3]).toBe(
      'test/fixtures/checklists/broken.md:9: error: cannot read time window "(25:00 PM - 2 PM)": "25:00 PM" is not a 12-hour time',
    );
    expect(result.output).not.toContain(': ok —');
  });

  it('prints warnings before the summary and still exits 0', () => {
    const result = lintCommand(['notes.md'], readFrom({ 'notes.md': '# Notes\n## D\n- [ ] a\n## D\n- [ ] b\n\nAll times in UTC\n' }));
    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n')).toEqual([
      'notes.md:4: warning: duplicate phase heading "D" (first on line 2)',
      expect.stringMatching(/^notes\.md:7: warning: timezone inferred as "UTC"/),
      'notes.md: ok — 2 phases, 2 sections, 2 items (0 sign-offs, 0 gates), 0 timed sections, 0 rollback phases',
    ]);
  });

  it('reports a file that cannot be read at line 0 and exits 1, still linting the others', () => {
    const result = lintCommand(['missing.md', 'good.md'], readFrom({ 'good.md': '# G\n## D\n- [ ] x\n' }));
    expect(result.exitCode).toBe(1);
    expect(result.output.split('\n')).toEqual([
      'missing.md:0: error: cannot read file (ENOENT)',
      'good.md: ok — 1 phase, 1 section, 1 item (0 sign-offs, 0 gates), 0 timed sections, 0 rollback phases',
    ]);
  });

  it('exits 1 when only one of several files has an error', () => {
    const result = lintCommand(['good.md', 'bad.md'], readFrom({ 'good.md': '# G\n## D\n- [ ] x\n', 'bad.md': '# B\n## D\n- [ x] x\n' }));
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('bad.md:3: error: malformed task box');
  });

  it('explains its usage and exits 2 without files', () => {
    expect(lintCommand([], readFromRepo)).toEqual({ output: expect.stringMatching(/^usage: deployday lint/), exitCode: 2 });
  });

  it("counts the messages a run would post with the bot's layout, not just one per phase", () => {
    // One phase (two messages by the lower bound) whose 200 long items need far more than 40 messages.
    const items = Array.from({ length: 200 }, (_, i) => `- [ ] step ${i} ${'word '.repeat(400)}`).join('\n');
    const result = lintCommand(['long.md'], readFrom({ 'long.md': `# Long\n## Deploy\n${items}\n` }));
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/^long\.md:1: error: a run of this checklist would post \d+ messages, over the limit of 40: split it/);
  });

  it('reports a line over 4,000 characters at its line and does not quote it', () => {
    const result = lintCommand(['wide.md'], readFrom({ 'wide.md': `# Wide\n## Deploy\n- [ ] ok\n${'z'.repeat(4001)}\n` }));
    expect(result.output.split('\n')).toEqual(['wide.md:4: error: line is 4,001 characters long, over the limit of 4,000 a line']);
  });

  it('reads files as the bot does by default: a directory or an oversized file is an error at line 0', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deployday-lint-'));
    try {
      mkdirSync(path.join(dir, 'folder.md'));
      writeFileSync(path.join(dir, 'huge.md'), 'x'.repeat(512 * 1024 + 1));
      const result = lintCommand([path.join(dir, 'folder.md'), path.join(dir, 'huge.md')]);
      expect(result.exitCode).toBe(1);
      expect(result.output.split('\n')).toEqual([
        `${path.join(dir, 'folder.md')}:0: error: cannot read file (is a directory, not a checklist file: not read)`,
        `${path.join(dir, 'huge.md')}:0: error: cannot read file (is larger than the limit of 512 KiB for one file: not read)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a checklist after its file', () => {
    expect(checklistName('checklists/hotfix.md')).toBe('hotfix');
    expect(checklistName('C:\\lists\\Release.markdown')).toBe('Release');
  });
});
