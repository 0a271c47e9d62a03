/**
 * One finished run, built as data: T-0 14:00 UTC, Canary 14:00–14:30 closed late at 14:52, a Go at
 * 14:52, a slip of +20 min at 14:40, a page open 14:35–14:50, Full rollout 14:50–15:10 (planned
 * 14:50–15:50 after the slip), then a rollback at 15:15 and the end at 15:30.
 */
import { buildRunReport, type AuditRecord, type PageRecord, type RunReport } from '../../src/domain/runReport.js';
import { computeRollbackWindows, computeSchedule, withWindows } from '../../src/domain/schedule.js';
import { checklistOf, done, gateItem, itemId, snapshotOf, voteOf, T0 } from '../domain/domainFixtures.js';

export const at = (hh: number, mm: number): number => Date.UTC(2026, 2, 10, hh, mm);

export function finishedRun(): { report: RunReport; audit: AuditRecord[] } {
  const checklist = checklistOf([
    {
      title: 'Canary',
      sections: [
        {
          title: 'Canary',
          implicit: true,
          timing: { clock: { start: 840, end: 870, text: '2 PM - 2:30 PM' } },
          items: ['Deploy to canary <b>&', gateItem('Go/No-Go: widen?')],
        },
      ],
    },
    {
      title: 'Full rollout',
      sections: [
        {
          title: 'Full rollout',
          implicit: true,
          timing: { clock: { start: 870, end: 930, text: '2:30 PM - 3:30 PM' } },
          items: ['Deploy everywhere', 'Close the ticket'],
        },
      ],
    },
    { title: 'Rollback', kind: 'rollback', sections: [{ title: 'Revert', timing: { timebox: 15 }, items: ['Revert the release'] }] },
  ]);
  const slip = 20;
  const items = [
    done(itemId(checklist, 'Deploy to canary <b>&'), 'U0ALICE', at(14, 45)),
    done(itemId(checklist, 'Go/No-Go: widen?'), 'U0APPR001', at(14, 52)),
    done(itemId(checklist, 'Deploy everywhere'), 'U0ALICE', at(14, 58)),
    done(itemId(checklist, 'Close the ticket'), 'U0BOB', at(15, 10)),
  ];
  const snapshot = snapshotOf(checklist, {
    run: {
      t0: T0 + slip * 60_000,
      slipMinutes: slip,
      status: 'rolled_back',
      rollbackActive: true,
      rollbackReason: 'error rate',
      endedAt: at(15, 30),
      endReason: 'finished with 1 waived: reverted by hand',
      createdAt: at(13, 50),
    },
    items,
    votes: [voteOf(itemId(checklist, 'Go/No-Go: widen?'), 'U0APPR001', 'go', at(14, 52))],
  });
  const rollbackAt = at(15, 15);
  const windows = withWindows(
    computeSchedule(checklist, snapshot.run.t0, 'UTC', { slipMinutes: slip }),
    computeRollbackWindows(checklist, rollbackAt),
  );
  let id = 0;
  const row = (atMs: number, actor: string, action: string, target: string | null, detail: Record<string, unknown> | null): AuditRecord => ({
    id: ++id,
    at: atMs,
    actor,
    action,
    target,
    detail,
  });
  const audit: AuditRecord[] = [
    row(at(13, 50), 'U0LEAD001', 'run.start', null, { checklist: 'payments-release' }),
    row(at(14, 40), 'U0LEAD001', 'run.reschedule', null, { from: T0, to: T0 + slip * 60_000, how: 'slipped +20m' }),
    row(at(14, 45), 'U0ALICE', 'item.tick', items[0]!.itemId, { text: 'Deploy to canary <b>&' }),
    row(at(14, 52), 'U0APPR001', 'gate.go', items[1]!.itemId, { reason: null, outcome: 'passed' }),
    row(at(14, 58), 'U0ALICE', 'item.tick', items[2]!.itemId, { text: 'Deploy everywhere' }),
    row(at(15, 10), 'U0BOB', 'item.tick', items[3]!.itemId, { text: 'Close the ticket' }),
    row(at(15, 15), 'U0LEAD001', 'run.rollback', null, { reason: 'error rate' }),
    row(at(15, 30), 'U0LEAD001', 'item.waive', itemId(checklist, 'Revert the release'), { reason: 'reverted by hand', text: 'Revert the release' }),
    row(at(15, 30), 'U0LEAD001', 'run.rolled_back', null, { reason: 'finished with 1 waived: reverted by hand' }),
  ];
  snapshot.items[itemId(checklist, 'Revert the release')] = {
    itemId: itemId(checklist, 'Revert the release'),
    done: false,
    by: null,
    at: null,
    waivedReason: 'reverted by hand',
    timerStartedAt: null,
  };
  const pages: PageRecord[] = [
    { reason: 'phase_overdue', summary: 'Canary is overdue', state: 'resolved', openedAt: at(14, 35), resolvedAt: at(14, 50) },
  ];
  return { report: buildRunReport({ snapshot, windows, audit, pages, now: at(15, 30) }), audit };
}
