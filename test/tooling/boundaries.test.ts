/**
 * The import-boundary check (.dependency-cruiser.cjs, run by `npm run lint`) on a miniature src/
 * (test/fixtures/boundaries): it must refuse each kind of forbidden import and allow the rest, so
 * a mistyped rule cannot quietly let everything through.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'boundaries');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

let violations: Violation[] = [];

beforeAll(() => {
  const result = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
      'src',
      '--config',
      join(REPO_ROOT, '.dependency-cruiser.cjs'),
      '--output-type',
      'json',
    ],
    { cwd: FIXTURE, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.stdout.trim() === '') throw new Error(`the boundary check printed nothing:\n${result.stderr}`);
  const report = JSON.parse(result.stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
  violations = report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}, 60_000);

function refused(from: string): string[] {
  return violations.filter((v) => v.from === from).map((v) => v.rule);
}

describe('the import-boundary check', () => {
  it.each([
    ['src/domain/importsStore.ts', 'domain-imports-only-domain'],
    ['src/domain/readsFiles.ts', 'domain-does-no-io'],
    ['src/store/importsPager.ts', 'store-imports-only-domain-and-store'],
    ['src/service/importsSlack.ts', 'service-imports-only-domain-store-service'],
    ['src/pager/callsService.ts', 'pager-imports-only-types-from-service'],
    ['src/slack/importsStoreTypes.ts', 'slack-imports-only-domain-service-slack'],
    ['src/slack/importsApp.ts', 'slack-imports-only-domain-service-slack'],
    ['src/jobs/importsStore.ts', 'jobs-import-service-slack-pager-domain'],
    ['src/github/callsService.ts', 'github-imports-only-types-from-service'],
    ['src/github/importsSlack.ts', 'github-imports-domain-github-and-service-ports'],
  ])('refuses %s (%s)', (from, rule) => {
    expect(refused(from)).toEqual([rule]);
  });

  it('allows imports along the layers: a pager importing only the service’s port type, jobs driving service, slack and pager, the composition root importing all', () => {
    const allowed = [
      'src/domain/pure.ts',
      'src/store/rows.ts',
      'src/service/pager.ts',
      'src/pager/client.ts',
      'src/github/client.ts',
      'src/slack/view.ts',
      'src/jobs/loop.ts',
      'src/app.ts',
    ];
    expect(violations.filter((v) => allowed.includes(v.from))).toEqual([]);
  });
});
