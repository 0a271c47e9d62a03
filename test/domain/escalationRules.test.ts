import { describe, it, expect } from 'vitest';
import type { Checklist, ChecklistSettings } from '../../src/domain/checklist.js';
import { desiredPages, type DesiredPage } from '../../src/domain/escalationRules.js';
import type { GateVote, ItemState, Run } from '../../src/domain/run.js';
import type { RollbackTimebox } from '../../src/domain/schedule.js';
import type { SectionTimelineState, SectionWindow } from '../../src/domain/sectionWindow.js';
import { checklistOf, done, gatedRelease, gateItem, itemId, MINUTE, sectionId, snapshotOf, T0, voteOf, waived } from './domainFixtures.js';

/** Each normal section gets a one-hour window ending at T-0 + n hours; rollback sections get none. */
function windowsOf(checklist: Checklist): SectionWindow[] {
  const out: SectionWindow[] = [];
  let n = 0;
  for (const phase of checklist.phases) {
    for (const section of phase.sections) {
      if (phase.kind === 'rollback') continue;
      out.push({ sectionId: section.id, phaseId: phase.id, opensAt: T0 + (n - 1) * 60 * MINUTE, closesAt: T0 + n * 60 * MINUTE, explicit: true });
      n += 1;
    }
  }
  return out;
}

interface Scenario {
  checklist?: Checklist;
  settings?: ChecklistSettings;
  overdue?: string[];
  items?: ItemState[];
  votes?: GateVote[];
  run?: Partial<Run>;
  roles?: Record<string, string[]>;
  timeboxes?: RollbackTimebox[];
  now: number;
}

function pagesFor(s: Scenario): DesiredPage[] {
  const checklist = s.checklist ?? gatedRelease(s.settings);
  const states = new Map<string, SectionTimelineState>();
  for (const title of s.overdue ?? []) states.set(sectionId(checklist, title), 'overdue');
  const snapshot = snapshotOf(checklist, {
    ...(s.items ? { items: s.items } : {}),
    ...(s.votes ? { votes: s.votes } : {}),
    ...(s.run ? { run: s.run } : {}),
    ...(s.roles ? { roles: s.roles } : {}),
  });
  return desiredPages({ snapshot, windows: windowsOf(checklist), states, rollbackTimeboxes: s.timeboxes ?? [], now: s.now });
}

const reasons = (pages: DesiredPage[]) => pages.map((p) => p.reason);

const release = gatedRelease();
const FREEZE = sectionId(release, 'Freeze'); // window closes at T-0
const READINESS = sectionId(release, 'Readiness review'); // closes at T-0 + 1h
const FIRST_GATE = itemId(release, 'Go/No-Go: ship to canary?');
const REVERT = sectionId(release, 'Revert');
const REVERT_STEP = itemId(release, 'Redeploy the previous tag');

describe('desiredPages: overdue sections', () => {
  it('pages an overdue section once it is past the default 15 minute grace', () => {
    const pages = pagesFor({ overdue: ['Freeze'], now: T0 + 16 * MINUTE });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ reason: `overdue:${FREEZE}`, severity: 'warning', sectionId: FREEZE });
    expect(pages[0]?.itemIds).toEqual([itemId(release, 'Announce the code freeze'), itemId(release, 'Tag the release candidate')]);
    expect(pages[0]?.summary).toContain('16 min overdue');
  });

  it.each([
    ['inside the default grace', {}, 14],
    ['inside a longer pageGraceMinutes', { pageGraceMinutes: 30 }, 29],
    ['inside a per-section grace matched by a piece of the title', { pageGraceMinutes: 5, sectionGraceMinutes: { FREE: 45 } }, 44],
  ])('does not page %s', (_what, settings, minutesLate) => {
    expect(pagesFor({ settings, overdue: ['Freeze'], now: T0 + minutesLate * MINUTE })).toEqual([]);
  });

  it.each([
    ['at the end of the default grace', {}, 15],
    ['after a shorter pageGraceMinutes', { pageGraceMinutes: 5 }, 5],
    ['after a per-section grace that beats pageGraceMinutes', { pageGraceMinutes: 60, sectionGraceMinutes: { freeze: 2 } }, 2],
  ])('pages %s', (_what, settings, minutesLate) => {
    expect(reasons(pagesFor({ settings, overdue: ['Freeze'], now: T0 + minutesLate * MINUTE }))).toEqual([`overdue:${FREEZE}`]);
  });

  it('uses pageGraceMinutes for a section that no per-section grace matches', () => {
    const settings = { pageGraceMinutes: 5, sectionGraceMinutes: { canary: 60 } };
    expect(reasons(pagesFor({ settings, overdue: ['Freeze'], now: T0 + 5 * MINUTE }))).toEqual([`overdue:${FREEZE}`]);
  });

  it('does not page a section the timeline does not call overdue', () => {
    expect(pagesFor({ overdue: [], now: T0 + 10 * 60 * MINUTE })).toEqual([]);
  });

  it('does not page an overdue section whose items are all done or waived', () => {
    const items = [done(itemId(release, 'Announce the code freeze')), waived(itemId(release, 'Tag the release candidate'), 'tagged by CI')];
    expect(pagesFor({ overdue: ['Freeze'], items, now: T0 + 60 * MINUTE })).toEqual([]);
  });

  it('lists only the open items of an overdue section', () => {
    const items = [done(itemId(release, 'Announce the code freeze'))];
    const [page] = pagesFor({ overdue: ['Freeze'], items, now: T0 + 20 * MINUTE });
    expect(page?.itemIds).toEqual([itemId(release, 'Tag the release candidate')]);
    expect(page?.summary).toContain('1 item open');
  });

  it('does not page an overdue section that has no close time', () => {
    const checklist = release;
    const states = new Map<string, SectionTimelineState>([[FREEZE, 'overdue']]);
    const windows = windowsOf(checklist).map((w) => (w.sectionId === FREEZE ? { ...w, closesAt: null } : w));
    expect(desiredPages({ snapshot: snapshotOf(checklist), windows, states, rollbackTimeboxes: [], now: T0 + 600 * MINUTE })).toEqual([]);
  });

  it('pages a missed gate instead of an overdue section when the section still has an open gate', () => {
    const pages = pagesFor({ overdue: ['Readiness review'], now: T0 + 60 * MINUTE + 20 * MINUTE });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ reason: `gate_missed:${FIRST_GATE}`, severity: 'warning', sectionId: READINESS, itemIds: [FIRST_GATE] });
    expect(pages[0]?.summary).toContain('without a decision');
  });

  it('pages an ordinary overdue once the gate of the section is settled but other items are open', () => {
    const items = [done(FIRST_GATE)];
    expect(reasons(pagesFor({ overdue: ['Readiness review'], items, now: T0 + 80 * MINUTE }))).toEqual([`overdue:${READINESS}`]);
  });

  it('never pages for rollback sections while they are held', () => {
    const checklist = release;
    const states = new Map<string, SectionTimelineState>([[REVERT, 'overdue']]);
    const windows: SectionWindow[] = [{ sectionId: REVERT, phaseId: 'p2', opensAt: T0, closesAt: T0, explicit: true }];
    expect(desiredPages({ snapshot: snapshotOf(checklist), windows, states, rollbackTimeboxes: [], now: T0 + 600 * MINUTE })).toEqual([]);
  });
});

describe('desiredPages: gates and rollback', () => {
  it('pages a No-Go as critical with the reason given', () => {
    const votes = [voteOf(FIRST_GATE, 'U0APPR001', 'no_go', T0, 'error budget spent')];
    const pages = pagesFor({ votes, now: T0 });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ reason: `no_go:${FIRST_GATE}`, severity: 'critical', sectionId: READINESS, itemIds: [FIRST_GATE] });
    expect(pages[0]?.summary).toContain('error budget spent');
  });

  it('quotes the No-Go of an approver, not a No-Go from someone whose vote does not count', () => {
    const votes = [
      voteOf(FIRST_GATE, 'U0BYSTAND', 'no_go', T0, 'just a hunch'),
      voteOf(FIRST_GATE, 'U0APPR001', 'no_go', T0 + MINUTE, 'checkout errors at 4%'),
    ];
    const [page] = pagesFor({ votes, now: T0 + MINUTE });
    expect(page?.summary).toContain('checkout errors at 4%');
    expect(page?.summary).not.toContain('just a hunch');
  });

  it('does not page a No-Go from someone who is not an approver', () => {
    expect(pagesFor({ votes: [voteOf(FIRST_GATE, 'U0BYSTAND', 'no_go', T0, 'meh')], now: T0 })).toEqual([]);
  });

  it('keeps paging a No-Go once the run has switched to rollback, without a second rollback page', () => {
    const votes = [voteOf(FIRST_GATE, 'U0APPR001', 'no_go', T0, 'latency doubled')];
    const run = { rollbackActive: true, rollbackReason: 'No-Go: latency doubled' };
    expect(reasons(pagesFor({ votes, run, now: T0 + MINUTE }))).toEqual([`no_go:${FIRST_GATE}`]);
  });

  it('pages a rollback declared by command as critical, with its reason', () => {
    const pages = pagesFor({ run: { rollbackActive: true, rollbackReason: 'cache stampede' }, now: T0 });
    expect(pages).toEqual([expect.objectContaining({ reason: 'rollback', severity: 'critical', sectionId: null, itemIds: [] })]);
    expect(pages[0]?.summary).toContain('cache stampede');
  });

  it('stops paging overdue normal sections once a rollback is active', () => {
    const pages = pagesFor({
      overdue: ['Freeze', 'Readiness review'],
      run: { rollbackActive: true, rollbackReason: 'bad deploy' },
      now: T0 + 300 * MINUTE,
    });
    expect(reasons(pages)).toEqual(['rollback']);
  });

  it('pages a rollback time box that ran out with its steps still open', () => {
    const timeboxes: RollbackTimebox[] = [{ sectionId: REVERT, minutes: 30, startsAt: T0, endsAt: T0 + 30 * MINUTE }];
    const pages = pagesFor({ run: { rollbackActive: true, rollbackReason: 'bad deploy' }, timeboxes, now: T0 + 30 * MINUTE });
    expect(reasons(pages)).toEqual(['rollback', `timebox:${REVERT}`]);
    expect(pages[1]).toMatchObject({ severity: 'critical', sectionId: REVERT, itemIds: [REVERT_STEP] });
    expect(pages[1]?.summary).toContain('30 min');
  });

  it('does not page a rollback time box that has not run out', () => {
    const timeboxes: RollbackTimebox[] = [{ sectionId: REVERT, minutes: 30, startsAt: T0, endsAt: T0 + 30 * MINUTE }];
    const pages = pagesFor({ run: { rollbackActive: true, rollbackReason: 'bad deploy' }, timeboxes, now: T0 + 29 * MINUTE });
    expect(reasons(pages)).toEqual(['rollback']);
  });

  it('does not page a rollback time box whose steps are done', () => {
    const timeboxes: RollbackTimebox[] = [{ sectionId: REVERT, minutes: 30, startsAt: T0, endsAt: T0 + 30 * MINUTE }];
    const pages = pagesFor({
      run: { rollbackActive: true, rollbackReason: 'bad deploy' },
      items: [done(REVERT_STEP)],
      timeboxes,
      now: T0 + 90 * MINUTE,
    });
    expect(reasons(pages)).toEqual(['rollback']);
  });

  it('pages an item time box by the item, counting only the item and the steps nested under it', () => {
    const checklist = checklistOf([
      { title: 'Deploy', sections: [{ title: 'Ship', items: ['Ship it'] }] },
      {
        title: 'Rollback',
        kind: 'rollback',
        sections: [
          {
            title: 'Recover',
            items: [
              'Tell the channel',
              { text: 'If not recovered in 5 minutes:', timer: { kind: 'timebox', minutes: 5 } },
              { text: 'Fail over to the standby region', depth: 1 },
              'Write the incident note',
            ],
          },
        ],
      },
    ]);
    const box = itemId(checklist, 'If not recovered in 5 minutes:');
    const child = itemId(checklist, 'Fail over to the standby region');
    const recover = sectionId(checklist, 'Recover');
    const pages = pagesFor({
      checklist,
      run: { rollbackActive: true, rollbackReason: 'stuck' },
      items: [done(box)],
      timeboxes: [{ sectionId: recover, itemId: box, minutes: 5, startsAt: T0, endsAt: T0 + 5 * MINUTE }],
      now: T0 + 6 * MINUTE,
    });
    expect(pages[1]).toMatchObject({ reason: `timebox:${box}`, sectionId: recover, itemIds: [child] });
    expect(pages[1]?.summary).toContain('If not recovered in 5 minutes:');
    expect(pages[1]?.summary).toContain('1 step still open');
  });

  it.each(['completed', 'rolled_back', 'aborted'] as const)('wants no page at all once the run is %s', (status) => {
    const votes = [voteOf(FIRST_GATE, 'U0APPR001', 'no_go', T0, 'latency')];
    const timeboxes: RollbackTimebox[] = [{ sectionId: REVERT, minutes: 30, startsAt: T0, endsAt: T0 + 30 * MINUTE }];
    const pages = pagesFor({
      votes,
      overdue: ['Freeze'],
      run: { status, rollbackActive: true, rollbackReason: 'latency', endedAt: T0 + 10 * MINUTE },
      timeboxes,
      now: T0 + 600 * MINUTE,
    });
    expect(pages).toEqual([]);
  });
});

describe('desiredPages: summaries', () => {
  const formatted = checklistOf(
    [
      {
        title: 'Deploy',
        sections: [
          {
            title: 'Schema & data',
            items: ['Run `db_migrate_v2` against **primary**, see [the migration notes](https://wiki.example.com/m) & <https://status.example.com>'],
          },
          { title: 'Verify', items: [gateItem('**Go/No-Go**: keep `feature_flag_x` on?')] },
        ],
      },
    ],
    {},
    'Orders API 4.2',
  );

  it('are plain text: the checklist markdown’s links, emphasis and code marks become their words', () => {
    const pages = pagesFor({ checklist: formatted, overdue: ['Schema & data'], now: T0 + 30 * MINUTE });
    const summary = pages[0]?.summary ?? '';
    expect(summary).toContain('Schema & data');
    expect(summary).toContain('Run db_migrate_v2 against primary, see the migration notes & https://status.example.com');
    expect(summary).not.toMatch(/[<>*`]|&amp;/);
  });

  it('keep underscores inside identifiers in a gate text', () => {
    const gate = itemId(formatted, '**Go/No-Go**: keep `feature_flag_x` on?');
    const [page] = pagesFor({ checklist: formatted, votes: [voteOf(gate, 'U0APPR001', 'no_go', T0, 'flag misbehaves')], now: T0 });
    expect(page?.summary).toContain('“Go/No-Go: keep feature_flag_x on?”');
  });

  it('drop nested emphasis but keep a lone tilde or asterisk that marks nothing', () => {
    const checklist = checklistOf([
      { title: 'Deploy', sections: [{ title: 'Drain', items: ['*_Urgent_*: drain ~5 minutes of traffic, 2 * 3 pods'] }] },
    ]);
    const [page] = pagesFor({ checklist, overdue: ['Drain'], now: T0 + 30 * MINUTE });
    expect(page?.summary).toContain('(first: Urgent: drain ~5 minutes of traffic, 2 * 3 pods)');
  });

  it('name the run and its checklist', () => {
    const [page] = pagesFor({ checklist: formatted, overdue: ['Verify'], now: T0 + 90 * MINUTE });
    expect(page?.summary).toContain('run #7 (Orders API 4.2)');
  });

  it('stay within PagerDuty’s 1024 characters for long but reasonable input', () => {
    const longText = `Confirm ${'the replica lag and the queue depth '.repeat(8)}`.trim(); // ~290 characters
    const longTitle = `Quarterly platform release ${'with many moving parts '.repeat(3)}`.trim();
    const checklist = checklistOf(
      [
        {
          title: 'Deploy',
          sections: [
            { title: `Database cut-over ${'and verification '.repeat(4)}`.trim(), items: [longText, 'Second step'] },
            { title: 'Decision', items: [gateItem(`${longText}?`)] },
          ],
        },
        { title: 'Rollback', kind: 'rollback', sections: [{ title: 'Undo', items: [longText] }] },
      ],
      {},
      longTitle,
    );
    const cutover = checklist.phases[0]!.sections[0]!;
    const decision = checklist.phases[0]!.sections[1]!;
    const undo = checklist.phases[1]!.sections[0]!;
    const gate = decision.items[0]!.id;
    const reason = 'r'.repeat(500); // the No-Go modal's limit
    const all = [
      ...pagesFor({ checklist, overdue: [cutover.title, decision.title], now: T0 + 200 * MINUTE }),
      ...pagesFor({ checklist, votes: [voteOf(gate, 'U0APPR001', 'no_go', T0, reason)], now: T0 }),
      ...pagesFor({
        checklist,
        run: { rollbackActive: true, rollbackReason: reason },
        timeboxes: [{ sectionId: undo.id, minutes: 15, startsAt: T0, endsAt: T0 }],
        now: T0 + MINUTE,
      }),
    ];
    expect(reasons(all).map((r) => r.split(':')[0])).toEqual(['overdue', 'gate_missed', 'no_go', 'rollback', 'timebox']);
    for (const page of all) expect(page.summary.length).toBeLessThanOrEqual(1024);
  });
});
