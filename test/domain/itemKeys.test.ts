import { describe, it, expect } from 'vitest';
import { lintCommand } from '../../src/cli/lintCommand.js';
import { itemKeys, slugOf, splitKeyMarker } from '../../src/domain/itemKeys.js';
import { parseChecklist } from '../../src/domain/parseChecklist.js';

const CHECKLIST = `# Release
## Deploy (T-0)
- [ ] All tests green {#tests-green}
- [ ] **Deploy** to canary (5%)
- [ ] Canary Go/No-Go decision {#canary-go}
`;

function parsed(text: string) {
  const result = parseChecklist(text, { name: 'release', source: 'release.md' });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.checklist;
}

function files(map: Record<string, string>): (file: string) => string {
  return (file) => map[file]!;
}

describe('item keys', () => {
  it('takes an explicit {#key} marker off the text people read', () => {
    expect(splitKeyMarker('All tests green {#tests-green}')).toEqual({ text: 'All tests green', key: 'tests-green' });
    const item = parsed(CHECKLIST).phases[0]!.sections[0]!.items[0]!;
    expect(item.text).toBe('All tests green');
    expect(item.key).toBe('tests-green');
  });

  it('leaves a malformed marker in the text and derives the key instead', () => {
    expect(splitKeyMarker('Ship it {#Not A Key}')).toEqual({ text: 'Ship it {#Not A Key}', key: null });
  });

  it('derives a slug from the plain words when no marker is written', () => {
    expect(slugOf('**Deploy** to canary (5%)')).toBe('deploy-to-canary-5');
    expect([...itemKeys(parsed(CHECKLIST)).byKey.keys()]).toEqual(['tests-green', 'deploy-to-canary-5', 'canary-go']);
  });

  it('names neither item when two derive the same key, and says so', () => {
    const keys = itemKeys(parsed('# R\n## A (T-0)\n- [ ] Verify logs\n## B (T+1 hour)\n- [ ] Verify logs\n'));
    expect(keys.byKey.has('verify-logs')).toBe(false);
    expect(keys.problems).toEqual([{ key: 'verify-logs', kind: 'ambiguous', line: 3, lines: [3, 5] }]);
  });

  it('lets one explicit marker settle a clash with a derived key', () => {
    const keys = itemKeys(parsed('# R\n## A (T-0)\n- [ ] Smoke test\n- [ ] Run the checks {#smoke-test}\n'));
    expect(keys.byKey.get('smoke-test')!.line).toBe(4);
    expect(keys.problems).toEqual([]);
  });
});

describe('deployday lint --keys', () => {
  it('lists every item and gate with its key', () => {
    const result = lintCommand(['--keys', 'release.md'], files({ 'release.md': CHECKLIST }));
    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n').slice(0, 3)).toEqual([
      'release.md:3: item tests-green',
      'release.md:4: item deploy-to-canary-5',
      'release.md:5: gate canary-go',
    ]);
  });

  it('fails on a derived key two items share', () => {
    const result = lintCommand(['--keys', 'r.md'], files({ 'r.md': '# R\n## A (T-0)\n- [ ] Verify logs\n- [ ] Verify logs\n' }));
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('r.md:3: error: items on lines 3, 4 all derive the key "verify-logs"');
  });

  it('fails on a duplicated explicit key even without --keys', () => {
    const result = lintCommand(['r.md'], files({ 'r.md': '# R\n## A (T-0)\n- [ ] One {#go}\n- [ ] Two {#go}\n' }));
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('r.md:3: error: key {#go} is written on more than one item (lines 3, 4)');
  });
});
