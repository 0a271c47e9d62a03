import { describe, it, expect } from 'vitest';
import type { SectionBlock } from '@slack/types';
import { renderOverview } from '../../../src/slack/views/overviewMessage.js';
import { renderRunListText } from '../../../src/slack/views/runListText.js';
import { renderScheduleText } from '../../../src/slack/views/scheduleText.js';
import { renderStatusText } from '../../../src/slack/views/statusText.js';
import { runSectionStates } from '../../../src/domain/sectionTimelineState.js';
import type { SectionWindow } from '../../../src/domain/sectionWindow.js';
import type { Checklist } from '../../../src/domain/checklist.js';
import type { RunSnapshot } from '../../../src/domain/run.js';
import { LONG_USER, T0, buildChecklist, canaryChecklist, generatedChecklist, makeRun, makeSnapshot, makeWindows, slackProblems } from './fixtures.js';

const NOW = T0 + 30 * 60_000;

/** Section states as production reads them: the domain's runSectionStates. */
function statesOf(snapshot: RunSnapshot, windows: SectionWindow[], now = NOW) {
  const states = runSectionStates(snapshot, windows, now);
  return (sectionId: string) => states.get(sectionId) ?? 'unscheduled';
}

/** 40 phases of 8 sections of 6 items with long titles, 60 roles and 40 reference sections. */
function hugeChecklist(): Checklist {
  const long = (label: string) => `${label} ${'with a title that goes on and on '.repeat(8)}`;
  const checklist = buildChecklist(
    Array.from({ length: 40 }, (_, p) => ({
      title: long(`Phase ${p}`),
      kind: p === 39 ? ('rollback' as const) : ('normal' as const),
      sections: Array.from({ length: 8 }, (_, s) => ({
        title: long(`Section ${p}.${s}`),
        items: [{}, {}, {}, { kind: 'gate' as const }, { kind: 'signoff' as const, role: `Role ${p}-${s}` }, {}],
      })),
    })),
    { title: long('Huge release'), reference: Array.from({ length: 40 }, (_, i) => long(`Reference ${i}`)) },
  );
  return checklist;
}

function hugeSnapshot(): RunSnapshot {
  const checklist = hugeChecklist();
  const snapshot = makeSnapshot(checklist, {
    allDone: true,
    manyVotes: true,
    run: { rollbackActive: true, rollbackReason: 'x'.repeat(5000), endReason: 'y'.repeat(5000), endedAt: T0 + 86_400_000 },
  });
  for (let i = 0; i < 60; i += 1) snapshot.roles[`role number ${i} ${'z'.repeat(80)}`] = [LONG_USER, `${LONG_USER}2`];
  return snapshot;
}

function text(message: ReturnType<typeof renderOverview>): string {
  return message.blocks.map((b) => JSON.stringify(b)).join('\n');
}

describe('renderOverview', () => {
  it('fits Slack’s limits for a huge checklist, cutting the schedule with "…and N more"', () => {
    const snapshot = hugeSnapshot();
    const windows = makeWindows(snapshot.run.checklist);
    const links = Object.fromEntries(snapshot.run.checklist.phases.map((p) => [p.id, `https://example.slack.com/archives/C0DEPLOY/p${p.id}`]));
    const message = renderOverview({ snapshot, windows, now: NOW, phaseLinks: links, stateOf: statesOf(snapshot, windows) });
    expect(slackProblems(message)).toEqual([]);
    expect(text(message)).toMatch(/…and \d+ more/);
  });

  it('fits for the generated checklist in every state', () => {
    const checklist = generatedChecklist();
    for (const options of [{}, { allDone: true, manyVotes: true }]) {
      const snapshot = makeSnapshot(checklist, options);
      const windows = makeWindows(checklist);
      const message = renderOverview({ snapshot, windows, now: NOW, stateOf: statesOf(snapshot, windows) });
      expect(slackProblems(message)).toEqual([]);
    }
  });

  it('names the run, checklist, status, T-0, starter, progress, schedule, roles and reference', () => {
    const checklist = canaryChecklist();
    const snapshot = makeSnapshot(checklist);
    snapshot.roles['release manager'] = ['U0RM'];
    const windows = [{ sectionId: 's1', phaseId: 'p0', opensAt: T0, closesAt: T0 + 3_600_000, explicit: true }];
    const message = renderOverview({
      snapshot,
      windows,
      now: NOW,
      phaseLinks: { p0: 'https://example.slack.com/archives/C0DEPLOY/p1700000000000100' },
      stateOf: statesOf(snapshot, windows),
    });
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '#12 · Payments API release', emoji: true } });
    const all = message.blocks.map((b) => (b.type === 'section' ? (b as SectionBlock).text!.text : JSON.stringify(b))).join('\n');
    expect(all).toContain('*Status:* 🟢 active');
    expect(all).toContain('(`generated`)');
    expect(all).toContain(`*T-0:* <!date^${T0 / 1000}^{date_short_pretty} {time}|2026-11-23 16:00 UTC> (30 min ago)`);
    expect(all).toContain('America/New_York');
    expect(all).toContain('*Started by:* <@U0LEAD>');
    expect(all).toContain('*Progress:* ░░░░░░░░░░ 1 done · 0 waived · 10 open (of 11 items)');
    expect(all).not.toMatch(/\d+\s*%\)/);
    expect(all).toContain('*<https://example.slack.com/archives/C0DEPLOY/p1700000000000100|Release day>*');
    expect(all).toContain('Canary at 5% — <!date^');
    expect(all).toContain('🟢 open');
    expect(all).toContain('release manager: <@U0RM>');
    expect(all).toContain('Emergency Contacts · Message Templates · Notes');
    expect(message.text).toContain('#12 · Payments API release');
  });

  it('shows a rollback banner while a rollback is active', () => {
    const checklist = canaryChecklist();
    const calm = renderOverview({ snapshot: makeSnapshot(checklist), windows: [], now: NOW, stateOf: () => 'open' });
    expect(text(calm)).not.toContain('Rollback active');
    const snapshot = makeSnapshot(checklist, { run: { rollbackActive: true, rollbackReason: 'errors > 1%' } });
    const message = renderOverview({ snapshot, windows: [], now: NOW, stateOf: statesOf(snapshot, []) });
    expect(text(message)).toContain('🚨 *Rollback active* — errors &gt; 1%');
  });

  it('schedules a rollback section whose steps are all ticked in the template as held, as the phase message does', () => {
    const checklist = canaryChecklist();
    checklist.phases[1]!.sections[0]!.items[0]!.initiallyDone = true;
    const snapshot = makeSnapshot(checklist);
    const message = renderOverview({ snapshot, windows: [], now: NOW, stateOf: statesOf(snapshot, []) });
    expect(text(message)).toContain('*Rollback* (1/1) — ⏸ held for rollback');
  });

  it('lists sign-off roles nobody holds yet as unassigned', () => {
    const checklist = canaryChecklist();
    const message = renderOverview({ snapshot: makeSnapshot(checklist), windows: [], now: NOW, stateOf: () => 'open' });
    expect(text(message)).toContain('release manager: _unassigned_');
  });
});

describe('text replies', () => {
  it('stay within 3000 characters for a huge checklist', () => {
    const snapshot = hugeSnapshot();
    const windows = makeWindows(snapshot.run.checklist);
    const status = renderStatusText(snapshot, windows, NOW, statesOf(snapshot, windows));
    const schedule = renderScheduleText(snapshot, windows, NOW, statesOf(snapshot, windows));
    const runs = renderRunListText(
      Array.from({ length: 200 }, (_, i) => ({
        run: makeRun(snapshot.run.checklist, { id: i + 1 }),
        tally: { done: i, waived: 0, skipped: 0, open: 300 - i, total: 300 },
      })),
      NOW,
    );
    for (const reply of [status, schedule, runs]) {
      expect(reply.length).toBeLessThanOrEqual(3000);
      expect(reply).toMatch(/…and \d+ more/);
    }
  });

  it('status shows progress per phase, what is open, what is overdue, and the gates', () => {
    const checklist = canaryChecklist();
    const snapshot = makeSnapshot(checklist);
    snapshot.votes.push({ itemId: 's1.i8', userId: 'U0ANNA', vote: 'go', reason: null, at: T0 });
    const windows = [
      { sectionId: 's0', phaseId: 'p0', opensAt: T0 - 7_200_000, closesAt: T0, explicit: true },
      { sectionId: 's1', phaseId: 'p0', opensAt: T0, closesAt: T0 + 3_600_000, explicit: true },
    ];
    const status = renderStatusText(snapshot, windows, NOW, statesOf(snapshot, windows));
    expect(status).toContain('*#12 · Payments API release* — 🟢 active');
    expect(status).toContain('• Release day ▓░░░░░░░░░ 1/10');
    expect(status).toContain('*Open now*\n• Canary at 5% — until <!date^');
    expect(status).toContain('*Overdue* 🔴\n• Before we start (T-2 hours) — was due');
    expect(status).toContain('• Go/No-Go for widening the canary _(Canary at 5%)_ — ⏳ pending (Go 1, No-Go 0)');
    // The rollback branch stays out of the status until a rollback starts.
    expect(status).not.toContain('Route traffic back');
  });

  it('schedule lists every section with its window and state, using the given states', () => {
    const checklist = canaryChecklist();
    const snapshot = makeSnapshot(checklist);
    const windows = [{ sectionId: 's1', phaseId: 'p0', opensAt: T0, closesAt: T0 + 3_600_000, explicit: true }];
    const schedule = renderScheduleText(snapshot, windows, NOW, (id) => (id === 's2' ? 'blocked' : 'open'));
    expect(schedule).toContain('*Schedule of #12 · Payments API release*');
    expect(schedule).toContain(
      `• Canary at 5% — <!date^${T0 / 1000}^{date_short_pretty} {time}|2026-11-23 16:00 UTC> – <!date^${T0 / 1000 + 3600}^{time}|17:00 UTC> — 🟢 open`,
    );
    expect(schedule).toContain('• Widen to everyone — 🔒 blocked');
    expect(schedule).toContain('*Rollback* (0/1) — 🟢 open');
  });

  it('run list shows each run’s number, title, state, progress, T-0 and channel', () => {
    const checklist = canaryChecklist();
    const list = renderRunListText(
      [
        { run: makeRun(checklist), tally: { done: 3, waived: 0, skipped: 0, open: 9, total: 12 } },
        { run: makeRun(checklist, { id: 7, status: 'rolled_back' }), tally: { done: 2, waived: 1, skipped: 4, open: 5, total: 12 } },
      ],
      NOW,
    );
    expect(list).toContain(
      `• *#12* Payments API release \`generated\` — 🟢 active — ▓▓░░░░░░░░ 3 done · 0 waived · 9 open — T-0 <!date^${T0 / 1000}^{date_short_pretty} {time}|2026-11-23 16:00 UTC> (30 min ago) — <#C0DEPLOY>`,
    );
    expect(list).toContain('• *#7* Payments API release `generated` — ↩️ rolled back');
    expect(renderRunListText([], NOW)).toBe('_No runs yet._');
  });
});
