import { NUDGE_CAP } from '../../src/domain/reminderPlan.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR_FOR_CLI } from '../../src/cli/paths.js';
import { rehearseCommand } from '../../src/cli/rehearseCommand.js';
import type { Checklist } from '../../src/domain/checklist.js';
import { parseChecklist } from '../../src/domain/parseChecklist.js';
import { rehearseDay, type RehearsalEvent, type RehearsalOptions } from '../../src/rehearsal/rehearseDay.js';
import { sharedSamplesDir } from '../support/sharedSamples.js';

const FIXTURE = 'test/fixtures/checklists/rehearsal-day.md';
const MINUTE = 60_000;
/** 2026-11-20 12:00 UTC: what the tests call "now", a few days before the rehearsed T-0. */
const NOW = Date.UTC(2026, 10, 20, 12, 0);
/** 2026-11-23 10:00 in Berlin (CET, UTC+1). */
const T0 = Date.UTC(2026, 10, 23, 9, 0);

const read = (path: string): string => readFileSync(path, 'utf8');
const rehearse = (...args: string[]) => rehearseCommand(args, read, () => NOW);

function checklistOf(path: string): Checklist {
  const result = parseChecklist(read(path), { name: 'rehearsal-day', source: path });
  if (!result.ok) throw new Error(`${path} does not parse: ${result.problems.map((p) => p.message).join('; ')}`);
  return result.checklist;
}

function day(options: Partial<RehearsalOptions> = {}): Promise<RehearsalEvent[]> {
  return rehearseDay({ checklist: checklistOf(FIXTURE), t0: T0, timezone: 'Europe/Berlin', migrationsDir: MIGRATIONS_DIR_FOR_CLI, ...options });
}

// The idle day is the slow one (about a thousand nudges): rehearsed once, read by several tests.
let idleDay: Promise<RehearsalEvent[]> | null = null;
const idle = (): Promise<RehearsalEvent[]> => (idleDay ??= day({ participation: 'idle' }));

function expectInTimeOrder(events: RehearsalEvent[]): void {
  const backwards = events.filter((e, i) => i > 0 && e.at < events[i - 1]!.at);
  expect(backwards).toEqual([]);
}

describe('deployday rehearse: the printed timeline', () => {
  it('prints every message of a smooth day, in order, with its time in the zone and T±', async () => {
    const result = await rehearse(FIXTURE, '--at', '2026-11-23 10:00');
    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n')).toEqual([
      'Rehearsal of “Billing Service Upgrade” (test/fixtures/checklists/rehearsal-day.md)',
      'T-0       2026-11-23 10:00 GMT+1 = 2026-11-23 09:00 UTC, zone Europe/Berlin',
      'Team      finishes each timed section a minute before it closes',
      'Checklist 4 phases, 5 sections, 9 items (0 sign-offs, 1 gate), 4 timed sections, 1 rollback phase (2 steps)',
      'Nothing is sent: every message and page below is printed instead of posted.',
      '',
      '2026-11-23 08:00 GMT+1  (T-2h)          #1  post      overview         Billing Service Upgrade',
      '2026-11-23 08:00 GMT+1  (T-2h)          #1  post      phase:p0:1       Warm-up (T-1 hour)',
      '2026-11-23 08:00 GMT+1  (T-2h)          #1  post      phase:p1:1       Upgrade Day (T-0)',
      '2026-11-23 08:00 GMT+1  (T-2h)          #1  post      phase:p2:1       Aftercare (T+1 day)',
      '2026-11-23 08:00 GMT+1  (T-2h)          #1  post      phase:p3:1       Rollback (on standby)',
      '2026-11-23 08:45 GMT+1  (T-1h 15m)      #1  reminder  opens_soon       Warm-up (T-1 hour): :hourglass_flowing_sand: *#1 Billing Service Upgrade* · *Warm-up (T-1 hour)* opens at 2026-11-23 09:00 GMT+1, until 2026-11-23 10:00 GMT+1. 2 items to do.',
      '2026-11-23 09:00 GMT+1  (T-1h)          #1  reminder  opened           Warm-up (T-1 hour): :arrow_forward: *#1 Billing Service Upgrade* · *Warm-up (T-1 hour)* is open now, until 2026-11-23 10:00 GMT+1. 2 items to do.',
      '2026-11-23 09:45 GMT+1  (T-15m)         #1  reminder  closing_soon     Warm-up (T-1 hour): :warning: *#1 Billing Service Upgrade* · *Warm-up (T-1 hour)* closes at 2026-11-23 10:00 GMT+1. Still open:',
      '    <@U0REHEARSE>:',
      '    • Tell support the upgrade starts within the hour',
      '    • Pause the invoice export job',
      '2026-11-23 09:45 GMT+1  (T-15m)         #1  reminder  opens_soon       Database window (10:00 AM - 11:00 AM): :hourglass_flowing_sand: *#1 Billing Service Upgrade* · *Database window (10:00 AM - 11:00 AM)* opens at 2026-11-23 10:00 GMT+1, until 2026-11-23 11:00 GMT+1. 2 items to do.',
      '2026-11-23 09:59 GMT+1  (T-1m)          #1  action    Warm-up (T-1 hour): 2 items done',
      '2026-11-23 10:00 GMT+1  (T-0)           #1  reminder  opened           Database window (10:00 AM - 11:00 AM): :arrow_forward: *#1 Billing Service Upgrade* · *Database window (10:00 AM - 11:00 AM)* is open now, until 2026-11-23 11:00 GMT+1. 2 items to do.',
      '2026-11-23 10:45 GMT+1  (T+45m)         #1  reminder  closing_soon     Database window (10:00 AM - 11:00 AM): :warning: *#1 Billing Service Upgrade* · *Database window (10:00 AM - 11:00 AM)* closes at 2026-11-23 11:00 GMT+1. Still open:',
      '    <@U0REHEARSE>:',
      '    • Snapshot the billing database',
      '    • Apply the schema change',
      '2026-11-23 10:45 GMT+1  (T+45m)         #1  reminder  opens_soon       Traffic switch (11:00 AM - 12:30 PM): :hourglass_flowing_sand: *#1 Billing Service Upgrade* · *Traffic switch (11:00 AM - 12:30 PM)* opens at 2026-11-23 11:00 GMT+1, until 2026-11-23 12:30 GMT+1. 3 items to do.',
      '2026-11-23 10:59 GMT+1  (T+59m)         #1  action    Database window (10:00 AM - 11:00 AM): 2 items done',
      '2026-11-23 11:00 GMT+1  (T+1h)          #1  reminder  opened           Traffic switch (11:00 AM - 12:30 PM): :arrow_forward: *#1 Billing Service Upgrade* · *Traffic switch (11:00 AM - 12:30 PM)* is open now, until 2026-11-23 12:30 GMT+1. 3 items to do.',
      '2026-11-23 12:15 GMT+1  (T+2h 15m)      #1  reminder  closing_soon     Traffic switch (11:00 AM - 12:30 PM): :warning: *#1 Billing Service Upgrade* · *Traffic switch (11:00 AM - 12:30 PM)* closes at 2026-11-23 12:30 GMT+1. Still open:',
      '    <@U0REHEARSE>:',
      '    • Send 10% of traffic to the new pods',
      '    • Go/No-Go decision recorded',
      '    • Send the rest of the traffic',
      // The lead is not an approver unless the checklist says so: the rehearsal's team gives the role, as a team would.
      '2026-11-23 12:29 GMT+1  (T+2h 29m)      #1  action    Traffic switch (11:00 AM - 12:30 PM): 3 items done, 1 Go vote, roles given to U0REHEARSE: approver',
      '2026-11-23 12:29 GMT+1  (T+2h 29m)      #1  notice    ✅ Gate passed on run #1: *Go/No-Go decision recorded* (Traffic switch (11:00 AM - 12:30 PM)). No longer blocked by it: *Aftercare (T+1 day)* opens 2026-11-24 10:00 GMT+1.',
      '2026-11-24 09:45 GMT+1  (T+23h 45m)     #1  reminder  opens_soon       Aftercare (T+1 day): :hourglass_flowing_sand: *#1 Billing Service Upgrade* · *Aftercare (T+1 day)* opens at 2026-11-24 10:00 GMT+1, until 2026-11-25 10:00 GMT+1. 2 items to do.',
      '2026-11-24 10:00 GMT+1  (T+1d)          #1  reminder  opened           Aftercare (T+1 day): :arrow_forward: *#1 Billing Service Upgrade* · *Aftercare (T+1 day)* is open now, until 2026-11-25 10:00 GMT+1. 2 items to do.',
      '2026-11-25 09:45 GMT+1  (T+1d 23h 45m)  #1  reminder  closing_soon     Aftercare (T+1 day): :warning: *#1 Billing Service Upgrade* · *Aftercare (T+1 day)* closes at 2026-11-25 10:00 GMT+1. Still open:',
      '    <@U0REHEARSE>:',
      '    • Compare invoice totals with the day before',
      '    • Close the change request',
      '2026-11-25 09:59 GMT+1  (T+1d 23h 59m)  #1  action    Aftercare (T+1 day): 2 items done',
      '2026-11-25 09:59 GMT+1  (T+1d 23h 59m)  #1  end       nothing more would happen: no reminder is pending',
      '',
      'Summary',
      '  items     9 done · 0 waived · 0 open (of 9)',
      '  posts     5',
      '  reminders 12 (opens_soon 4, opened 4, closing_soon 4)',
      '  notices   1',
      '  actions   4',
      '',
    ]);
  });

  it('defaults T-0 to the next full hour in the checklist zone, and --tz overrides that zone', async () => {
    const atTwenty = Date.UTC(2026, 10, 23, 8, 20); // 09:20 in Berlin, 03:20 in New York
    const berlin = await rehearseCommand([FIXTURE], read, () => atTwenty);
    expect(berlin.output.split('\n')[1]).toBe('T-0       2026-11-23 10:00 GMT+1 = 2026-11-23 09:00 UTC, zone Europe/Berlin');
    const newYork = await rehearseCommand([FIXTURE, '--tz', 'America/New_York'], read, () => atTwenty);
    expect(newYork.output.split('\n')[1]).toBe('T-0       2026-11-23 04:00 EST = 2026-11-23 09:00 UTC, zone America/New_York');
  });
});

describe('rehearseDay: what the services do on a virtual clock', () => {
  it('with nobody ticking anything, nudges an overdue section with backoff (15, 30, 60 min, then hourly) and stops at the cap or the end of its day', async () => {
    const events = await idle();
    const nudges = events.filter((e) => e.kind === 'reminder' && e.detail === 'overdue' && e.sectionTitle === 'Warm-up (T-1 hour)');
    // Warm-up closes at T-0 (10:00 in Berlin): the first nudge is at T-0, the last before midnight there.
    expect(nudges[0]!.at).toBe(T0);
    const gaps = nudges.slice(1).map((e, i) => (e.at - nudges[i]!.at) / MINUTE);
    expect(gaps.slice(0, 3)).toEqual([15, 30, 60]);
    expect(gaps.slice(3).every((g) => g === 60)).toBe(true);
    expect(nudges.length).toBeLessThanOrEqual(NUDGE_CAP);
    const midnightInBerlin = Date.UTC(2026, 10, 23, 23, 0);
    expect(nudges.at(-1)!.at).toBeLessThan(midnightInBerlin);
    expect(events.filter((e) => e.kind === 'action')).toEqual([]);
    expect(events.at(-1)?.kind).toBe('end');
    expectInTimeOrder(events);
  });

  it('shows the pages the real escalation rules decide: an overdue section is paged after its grace', async () => {
    const events = await idle();
    const pages = events.filter((e) => e.kind === 'page');
    expect(pages[0]).toMatchObject({ at: T0 + 15 * MINUTE, detail: 'trigger' });
    expect(pages[0]!.text).toMatch(/^overdue:s0: /);
  });

  it('shows no page when nobody is late, and none at all without a paging layer', async () => {
    expect((await day()).filter((e) => e.kind === 'page')).toEqual([]);
    expect((await day({ participation: 'idle', paging: null })).filter((e) => e.kind === 'page')).toEqual([]);
  });

  it('hands the paging layer every state change and every poller pass, as app.ts does', async () => {
    const calls: string[] = [];
    await day({
      paging: () => ({
        evaluate: async (runId) => {
          calls.push(`evaluate ${runId}`);
        },
        evaluateAll: async () => {
          calls.push('evaluateAll');
        },
      }),
    });
    // Nine item changes (ticks and the gate) in the fixture, plus the start.
    expect(calls.filter((c) => c === 'evaluate 1').length).toBeGreaterThanOrEqual(10);
    expect(calls.filter((c) => c === 'evaluateAll').length).toBeGreaterThan(10);
  });

  it('on a rollback, brings the standby rollback steps alive (no new post), says so in the channel and stops the normal reminders', async () => {
    const events = await day({ rollbackAtMinutes: 30 });
    const at = T0 + 30 * MINUTE;
    expect(events.find((e) => e.kind === 'action' && e.at === at)?.text).toBe('rollback declared by the lead: declared by the rehearsal at T+30m');
    // Issue 10: the rollback branch is posted with the run, on standby, and updated in place.
    const branch = events.filter((e) => e.kind === 'post' && e.detail === 'phase:p3:1');
    expect(branch).toEqual([expect.objectContaining({ text: 'Rollback (on standby)' })]);
    expect(branch[0]!.at).toBeLessThan(at);
    expect(events.find((e) => e.kind === 'notice' && e.at === at)?.text).toMatch(/^⏪ \*Rollback declared on run #1\*/);
    const normalAfter = events.filter((e) => e.kind === 'reminder' && e.at > at && e.sectionTitle !== 'Rollback');
    expect(normalAfter).toEqual([]);
    expectInTimeOrder(events);
  });
});

describe('rehearsing real checklists', () => {
  const files = [
    { name: 'checklists/standard-release.md', path: () => 'checklists/standard-release.md' },
    { name: 'shared sample canary-rollout.md', path: () => path.join(sharedSamplesDir(), 'canary-rollout.md') },
    { name: 'shared sample timed-deployment-day.md', path: () => path.join(sharedSamplesDir(), 'timed-deployment-day.md') },
  ];
  for (const sample of files) {
    it(`${sample.name} rehearses without an error, in time order, to its end`, async () => {
      const file = { path: sample.path() };
      const result = parseChecklist(read(file.path), { name: 'real', source: file.path });
      if (!result.ok) throw new Error(`${file.path} does not parse`);
      const events = await rehearseDay({
        checklist: result.checklist,
        t0: T0,
        timezone: result.checklist.settings.timezone ?? 'UTC',
        migrationsDir: MIGRATIONS_DIR_FOR_CLI,
      });
      expect(events.filter((e) => e.kind === 'error')).toEqual([]);
      expect(events.filter((e) => e.kind === 'reminder').length).toBeGreaterThan(5);
      expect(events.filter((e) => e.kind === 'action' && e.text.includes('refused'))).toEqual([]);
      expect(events.at(-1)?.kind).toBe('end');
      expectInTimeOrder(events);
    });
  }

  it('the canary sample with an idle team: the five sections closing at T-0 share one warning, one nudge series and one page', async () => {
    const result = await rehearse(path.join(sharedSamplesDir(), 'canary-rollout.md'), '--at', '2026-12-02 03:00', '--idle');
    expect(result.exitCode).toBe(0);
    const lines = result.output.split('\n');
    const atT0 = (kind: string, offset: string) => lines.filter((l) => l.includes(`(${offset})`) && l.includes(`  reminder  ${kind} `));
    const shared = '5 sections: ';
    expect(atT0('closing_soon', 'T-15m')).toEqual([expect.stringContaining(`closing_soon     ${shared}`)]);
    expect(atT0('overdue', 'T-0')).toEqual([
      expect.stringContaining(`${shared}:rotating_light: *#1 QuDAG Optimization Deployment Checklist* · 5 sections are overdue`),
    ]);
    expect(atT0('overdue', 'T+15m')).toHaveLength(1);
    const pages = lines.filter((l) => / {2}page {6}trigger /.test(l));
    expect(pages[0]).toContain(
      'trigger          overdue:s0_s1_s2_s3_s4: 5 sections are 15 min overdue in run #1 (QuDAG Optimization Deployment Checklist): “Code Readiness” (2 open), “Infrastructure Readiness” (7 open), “Documentation” (4 open), “Testing & Validation” (4 open), “Pre-Deployment (T-2 hours)” (6 open); 23 items open in all',
    );
    expect(pages.filter((l) => l.includes('(T+15m)'))).toHaveLength(1);
    // The shared nudge names each section in bold with its own items under it.
    const nudge = result.output.slice(result.output.indexOf('5 sections are overdue'));
    for (const [title, item] of [
      ['Code Readiness', 'Security audit completed'],
      ['Pre-Deployment (T-2 hours)', 'Final code freeze confirmed'],
    ]) {
      expect(nudge).toContain(`    *${title}*`);
      expect(nudge.indexOf(`    • ${item}`)).toBeGreaterThan(nudge.indexOf(`*${title}*`));
    }
    expect(result.output).toMatch(/reminders 40 \(opens_soon 3, opened 3, closing_soon 2, overdue 32\)/);
  });

  it('standard-release.md rehearses idle too, with overdue nudges and pages', async () => {
    const result = await rehearse('checklists/standard-release.md', '--at', '2026-11-23 09:00', '--idle');
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/ {2}reminder {2}overdue /);
    expect(result.output).toMatch(/ {2}page {6}trigger /);
    expect(result.output).not.toMatch(/ {2}error {4}/);
  });
});

describe('deployday rehearse: exit codes', () => {
  it('exits 1 with file:line problems for a checklist that does not parse', async () => {
    const result = await rehearse('test/fixtures/checklists/broken.md');
    expect(result.exitCode).toBe(1);
    const lines = result.output.split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^test\/fixtures\/checklists\/broken\.md:\d+: (error|warning): /);
  });

  it('exits 1 for a file that cannot be read', async () => {
    const result = await rehearse('test/fixtures/checklists/no-such-file.md');
    expect(result).toEqual({ output: 'test/fixtures/checklists/no-such-file.md:0: error: cannot read file (ENOENT)', exitCode: 1 });
  });

  it('exits 1 with the reason for a start time it cannot read', async () => {
    const result = await rehearse(FIXTURE, '--at', 'half past never');
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/^deployday rehearse: --at: Couldn't read "half past never" as a start time\./);
  });

  it('exits 1 for an unknown time zone and for a rollback moment it cannot read', async () => {
    expect(await rehearse(FIXTURE, '--tz', 'Mars/Olympus_Mons')).toMatchObject({
      exitCode: 1,
      output: expect.stringContaining('“Mars/Olympus_Mons” is not a time zone'),
    });
    expect(await rehearse(FIXTURE, '--rollback-at', 'T+soon')).toMatchObject({
      exitCode: 1,
      output: expect.stringMatching(/^deployday rehearse: --rollback-at: /),
    });
  });

  it('exits 2 with the usage when the arguments are wrong', async () => {
    for (const args of [[], [FIXTURE, '--at'], [FIXTURE, '--verbose'], [FIXTURE, FIXTURE]]) {
      const result = await rehearseCommand(args, read, () => NOW);
      expect(result.exitCode).toBe(2);
      expect(result.output).toContain('usage: deployday rehearse <checklist.md>');
    }
  });
});
