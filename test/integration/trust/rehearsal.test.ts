/**
 * Issue 9 — The rehearsal shows the truth: every "closes soon" / "overdue" line lists its open
 * items; --idle, --rollback-at and --help are documented (help exits 0); a rehearsal with an idle
 * team shows the nudge cap at work. Also (from "Completion is honest") the rehearsal reports done,
 * waived and open apart.
 *
 * Runs `deployday rehearse` through bin/ (the built dist/) on test/fixtures/trust/idle-day.md:
 * Morning prep (T-2 hours, 2 tasks), Deploy (T-0, 2 tasks), Watch (T+1 hour, 1 task).
 *
 * Choices assumed:
 * - An event's open items are on its line or on the indented lines printed under it.
 * - NUDGE_CAP_PER_SECTION: at most 16 overdue nudges per section in a day (15/30/60 then hourly
 *   until the day is over gives 14 from a noon close); none after midnight (in the run's zone) of
 *   the day the section closed; the waits never shrink; and the rehearsal says when it stops
 *   nudging a section (a line mentioning "cap", "stop" or "no more").
 * - The summary counts items as "<n> done", "<n> waived", "<n> open".
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRUST_FIXTURES, cliAsync } from './trustWorld.js';

const FILE = join(TRUST_FIXTURES, 'idle-day.md');
const AT = '2027-02-03 12:00';
const NUDGE_CAP_PER_SECTION = 16;
const ITEMS: Record<string, string[]> = {
  'Morning prep': ['Read the runbook', 'Warm the caches'],
  Deploy: ['Deploy the service', 'Smoke-test the service'],
  Watch: ['Watch the error rate'],
};

interface Event {
  at: number;
  kind: string;
  text: string;
}

/** Splits the timeline into events: a line starting with a date, plus the indented lines under it. */
function events(output: string): Event[] {
  const out: Event[] = [];
  for (const line of output.split('\n')) {
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d) UTC\s+\([^)]*\)\s+#\d+\s+(\w+)\s+(\w+)?/.exec(line);
    if (m) out.push({ at: Date.parse(`${m[1]!.replace(' ', 'T')}:00Z`), kind: `${m[2]} ${m[3] ?? ''}`.trim(), text: line });
    else if (out.length && /^\s+\S/.test(line)) out[out.length - 1]!.text += `\n${line}`;
  }
  return out;
}

const memo = new Map<string, { code: number; out: string }>();
/** The CLI takes a few seconds to load, so the three invocations run together, once, before the tests. */
const RUNS = [[FILE, '--idle', '--at', AT], ['--help'], [FILE, '--at', AT]];
beforeAll(async () => {
  const results = await Promise.all(RUNS.map((args) => cliAsync(['rehearse', ...args])));
  RUNS.forEach((args, i) => memo.set(args.join('\u0000'), results[i]!));
});
function rehearse(...args: string[]): { code: number; out: string } {
  const result = memo.get(args.join('\u0000'));
  if (!result) throw new Error(`rehearse ${args.join(' ')} was not run in beforeAll`);
  return result;
}

function sectionOf(e: Event): string | undefined {
  return Object.keys(ITEMS).find((title) => e.text.includes(`${title} (`));
}

describe('issue 9 · the rehearsal shows the truth', () => {
  it('lists the open items on every "closes soon" and "overdue" line', () => {
    const { code, out } = rehearse(FILE, '--idle', '--at', AT);
    expect(code).toBe(0);
    const warnings = events(out).filter((e) => /reminder (closing_soon|overdue)/.test(e.kind));
    expect(warnings.length).toBeGreaterThan(0);
    for (const e of warnings) {
      const section = sectionOf(e);
      expect(section, e.text).toBeDefined();
      for (const item of ITEMS[section!]!) expect(e.text, `open item “${item}” on: ${e.text.slice(0, 120)}`).toContain(item);
    }
  });

  it('documents --idle, --rollback-at and --help in `rehearse --help`, which exits 0', () => {
    const { code, out } = rehearse('--help');
    expect(code).toBe(0);
    for (const flag of ['--idle', '--rollback-at', '--at', '--tz']) expect(out).toContain(flag);
    // Each option is explained, not just listed in the usage line.
    expect(out.split('\n').filter((l) => /--idle|--rollback-at/.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  it('shows the nudge cap at work when the team is idle: nudges back off, stop at the cap and never run past the day', () => {
    const { code, out } = rehearse(FILE, '--idle', '--at', AT);
    expect(code).toBe(0);
    const overdue = events(out).filter((e) => e.kind === 'reminder overdue');
    for (const title of Object.keys(ITEMS)) {
      const mine = overdue.filter((e) => sectionOf(e) === title);
      expect(mine.length, `${title}: ${mine.length} overdue nudges`).toBeGreaterThan(0);
      expect(mine.length, `${title}: ${mine.length} overdue nudges`).toBeLessThanOrEqual(NUDGE_CAP_PER_SECTION);
      const waits = mine.slice(1).map((e, i) => e.at - mine[i]!.at);
      for (let i = 1; i < waits.length; i += 1) expect(waits[i]!, `${title}: waits never shrink`).toBeGreaterThanOrEqual(waits[i - 1]!);
      const endOfDay = Date.parse('2027-02-04T00:00:00Z');
      expect(mine.filter((e) => e.at >= endOfDay).length, `${title}: nudges after the day is over`).toBe(0);
    }
    expect(out, 'the rehearsal says when nudging stops').toMatch(/\b(cap|stop(s|ped)? nudging|no more nudges)\b/i);
  });

  it('reports done, waived and open apart at the end of a rehearsal', () => {
    const idle = rehearse(FILE, '--idle', '--at', AT).out;
    expect(idle).toMatch(/\b0 done\b/);
    expect(idle).toMatch(/\b5 open\b/);
    const onTime = rehearse(FILE, '--at', AT).out;
    expect(onTime).toMatch(/\b5 done\b/);
    expect(onTime).toMatch(/\b0 open\b/);
    expect(onTime).not.toMatch(/100\s*%/);
  });
});
