import { describe, expect, it } from 'vitest';
import { reportMarkdown } from '../../src/report/reportMarkdown.js';
import { at, finishedRun } from './reportFixture.js';

describe('the run report model', () => {
  const { report, audit } = finishedRun();

  it('counts from the rows: items done and waived, the gate and its voter, the slip, the page and how long it stayed open', () => {
    expect(report.durationMs).toBe(at(15, 30) - at(13, 50));
    expect(report.items).toMatchObject({ total: 5, done: 4, waived: [{ text: 'Revert the release', reason: 'reverted by hand', by: 'U0LEAD001' }] });
    expect(report.gates).toEqual([
      expect.objectContaining({ outcome: 'passed', decidedAt: at(14, 52), votes: [expect.objectContaining({ userId: 'U0APPR001', vote: 'go' })] }),
    ]);
    expect(report.slips).toEqual([{ at: at(14, 40), by: 'U0LEAD001', minutes: 20, how: 'slipped +20m' }]);
    expect(report.pages).toEqual([expect.objectContaining({ reason: 'phase_overdue', openMs: 15 * 60_000 })]);
    expect(report.rollback).toEqual({ at: at(15, 15), by: 'U0LEAD001', reason: 'error rate' });
    expect(report.auditCount).toBe(audit.length);
  });

  it('finds the phases that overran their (slipped) plan', () => {
    expect(report.overran.map((p) => [p.title, p.overrunMinutes])).toEqual([['Canary', 2]]);
    expect(report.phases.find((p) => p.title === 'Full rollout')).toMatchObject({
      actualOpen: at(14, 58),
      actualClose: at(15, 10),
      overrunMinutes: -40,
    });
  });

  it('writes every audit row into the markdown record, pipes escaped', () => {
    const rows = [...audit, { id: 99, at: at(15, 31), actor: 'U0X', action: 'denied', target: 'a|b', detail: { reason: 'x|y' } }];
    const md = reportMarkdown(report, rows);
    const tableRows = md.split('\n').filter((l) => /^\| \d+ \| /.test(l));
    expect(tableRows).toHaveLength(rows.length);
    expect(tableRows.at(-1)).toContain('a\\|b');
    expect(tableRows.every((l) => l.split(/(?<!\\)\|/).length === 8)).toBe(true);
  });
});
