import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { domainErrorText } from '../../src/slack/views/domainErrorText.js';
import { DomainError } from '../../src/domain/errors.js';
import { ChecklistCatalog, MAX_PROBLEM_CHARS } from '../../src/service/checklistCatalog.js';

const GOOD = '# Good\n## Deploy\n- [ ] Ship it\n- [ ] Check it\n';
const SECRET = 'root:x:0:0:secret-line-that-must-never-be-echoed';

let root: string;
let dir: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'deployday-catalog-'));
  dir = path.join(root, 'checklists');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'good.md'), GOOD);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function problemOf(catalog: ChecklistCatalog, name: string): string {
  const entry = catalog.load().find((e) => e.name === name);
  if (!entry) throw new Error(`no entry ${name}`);
  expect(entry.checklist).toBeNull();
  return entry.problems.map((p) => `${p.line}: ${p.message}`).join('\n');
}

describe('ChecklistCatalog with bad entries in the folder', () => {
  it('lists a directory, a dangling symlink, a FIFO and a symlink leaving the folder as problems and loads the rest', () => {
    mkdirSync(path.join(dir, 'folder.md'));
    symlinkSync(path.join(dir, 'missing-target.md'), path.join(dir, 'dangling.md'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.md')]);
    writeFileSync(path.join(root, 'secret.md'), `${SECRET}\n`);
    symlinkSync(path.join(root, 'secret.md'), path.join(dir, 'outside.md'));

    const catalog = new ChecklistCatalog(dir);
    const entries = catalog.load();
    expect(entries.map((e) => e.name)).toEqual(['dangling', 'folder', 'good', 'outside', 'pipe']);
    expect(problemOf(catalog, 'folder')).toBe('0: is a directory, not a checklist file: not read');
    expect(problemOf(catalog, 'dangling')).toBe('0: is a symlink to nothing (dangling): not read');
    expect(problemOf(catalog, 'pipe')).toBe('0: is a FIFO, not a checklist file: not read');
    expect(problemOf(catalog, 'outside')).toBe('0: is a symlink to a file outside the checklists folder: not read');
    expect(JSON.stringify(entries)).not.toContain('secret-line');
    expect(catalog.get('good').title).toBe('Good');
  });

  it('follows a symlink whose real path stays inside the folder', () => {
    mkdirSync(path.join(dir, 'shared'));
    writeFileSync(path.join(dir, 'shared', 'real.txt'), GOOD);
    symlinkSync(path.join('shared', 'real.txt'), path.join(dir, 'linked.md'));
    expect(new ChecklistCatalog(dir).get('linked').title).toBe('Good');
  });

  it('refuses to start a checklist that is a directory, with the reason', () => {
    mkdirSync(path.join(dir, 'folder.md'));
    const catalog = new ChecklistCatalog(dir);
    const refusal = (() => {
      try {
        catalog.get('folder');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(DomainError);
    expect(domainErrorText(refusal as DomainError)).toMatch(/folder\.md:0: is a directory/);
  });
});

describe('ChecklistCatalog limits', () => {
  it('does not read a file over the size limit and names the limit', () => {
    writeFileSync(path.join(dir, 'big.md'), `${GOOD}${'- [ ] more\n'.repeat(200)}`);
    const catalog = new ChecklistCatalog(dir, { limits: { maxFileBytes: 1024 } });
    expect(problemOf(catalog, 'big')).toBe('0: is larger than the limit of 1 KiB for one file: not read');
  });

  it('reports a line over the line-length limit at its line, with the limit', () => {
    writeFileSync(path.join(dir, 'long.md'), `# Long\n## Deploy\n- [ ] ${'x'.repeat(5000)}\n- [ ] Fine\n`);
    expect(problemOf(new ChecklistCatalog(dir), 'long')).toBe('3: line is 5,006 characters long, over the limit of 4,000 a line');
  });

  it('reports too many items at the first item over the limit', () => {
    writeFileSync(path.join(dir, 'many.md'), '# Many\n## Deploy\n- [ ] one\n- [ ] two\n- [ ] three\n');
    const catalog = new ChecklistCatalog(dir, { limits: { maxItems: 2 } });
    expect(problemOf(catalog, 'many')).toBe('5: too many items: 3, over the limit of 2 for one checklist (item 3 is here)');
  });

  it('reports a run that would post more messages than the limit, counted by the given layout', () => {
    const catalog = new ChecklistCatalog(dir, { limits: { maxMessages: 40 }, countMessages: () => 41 });
    expect(problemOf(catalog, 'good')).toBe(
      '1: a run of this checklist would post 41 messages, over the limit of 40: split it into smaller checklists',
    );
  });

  it('counts at least the overview and one message per phase without a layout', () => {
    const phases = Array.from({ length: 40 }, (_, i) => `## Phase ${i}\n- [ ] step ${i}\n`).join('');
    writeFileSync(path.join(dir, 'phases.md'), `# Phases\n${phases}`);
    expect(problemOf(new ChecklistCatalog(dir), 'phases')).toMatch(/^1: a run of this checklist would post 41 messages, over the limit of 40/);
  });

  it(`cuts a problem message to ${MAX_PROBLEM_CHARS} characters and quotes only an excerpt of the line`, () => {
    writeFileSync(path.join(dir, 'bad.md'), `# Bad\n## Deploy\n- [ ] ok\n- [x]${'y'.repeat(3000)}\n`);
    const problems = problemOf(new ChecklistCatalog(dir), 'bad');
    expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEM_CHARS + 10);
    expect(problems).toMatch(/^4: malformed task box in "- \[x\]y+…": write/);
  });
});
