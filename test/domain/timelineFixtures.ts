/**
 * Checklists for the timeline tests, built by hand so they do not wait on the parser. The two
 * sample-shaped ones follow the structure the parser gives the real samples in /work/shared/samples
 * (same phases, sections, timing and timers) with items written afresh.
 */
import type { Checklist, ChecklistSettings, HeadingTiming, Item, PhaseKind } from '../../src/domain/checklist.js';

export interface ItemSpec {
  text: string;
  timer?: Item['timer'];
  done?: boolean;
  depth?: number;
}

export interface SectionSpec {
  title: string;
  timing?: HeadingTiming | null;
  items?: Array<string | ItemSpec>;
  implicit?: boolean;
}

export interface PhaseSpec {
  title: string;
  timing?: HeadingTiming | null;
  kind?: PhaseKind;
  sections: SectionSpec[];
}

/** A Checklist with ids as the parser assigns them: p<n>, s<n> over the file, s<n>.i<m> within a section. */
export function buildChecklist(name: string, phases: PhaseSpec[], settings: ChecklistSettings = {}): Checklist {
  let sectionIndex = 0;
  let line = 1;
  return {
    name,
    title: name,
    source: `checklists/${name}.md`,
    settings,
    reference: [],
    phases: phases.map((phase, p) => ({
      id: `p${p}`,
      title: phase.title,
      line: line++,
      timing: phase.timing ?? null,
      kind: phase.kind ?? 'normal',
      sections: phase.sections.map((section) => {
        const id = `s${sectionIndex++}`;
        return {
          id,
          title: section.title,
          line: line++,
          implicit: section.implicit ?? false,
          timing: section.timing ?? null,
          notes: [],
          items: (section.items ?? ['Do the thing']).map((spec, i): Item => {
            const s = typeof spec === 'string' ? { text: spec } : spec;
            const item: Item = {
              id: `${id}.i${i}`,
              text: s.text,
              line: line++,
              depth: s.depth ?? 0,
              parentId: null,
              details: [],
              initiallyDone: s.done ?? false,
              kind: 'task',
            };
            if (s.timer !== undefined) item.timer = s.timer;
            return item;
          }),
        };
      }),
    })),
  };
}

const sign = (n: number): string => (n < 0 ? '-' : '+');

export function days(n: number): HeadingTiming {
  return { offset: n * 1440, offsetText: `T${sign(n)}${Math.abs(n)} ${Math.abs(n) === 1 ? 'day' : 'days'}`, offsetIsDays: true };
}

export function hours(n: number): HeadingTiming {
  return { offset: n * 60, offsetText: `T${sign(n)}${Math.abs(n)} hours`, offsetIsDays: false };
}

export function tZero(): HeadingTiming {
  return { offset: 0, offsetText: 'T-0', offsetIsDays: false };
}

/** "06:00", "24:00" → a clock window as the parser gives it (12:00 AM as an end is 1440). */
export function clock(start: string, end: string): HeadingTiming {
  const minutes = (hhmm: string): number => {
    const [h, m] = hhmm.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  return { clock: { start: minutes(start), end: minutes(end), text: `${start} - ${end}` } };
}

export function timebox(minutes: number): HeadingTiming {
  return { timebox: minutes };
}

/** Shaped like canary-rollout.md: readiness sections, "(T-2 hours)", untimed canary stages, "(T+24 hours)". */
export function canaryLike(): Checklist {
  return buildChecklist('canary-like', [
    {
      title: 'Readiness',
      sections: [
        { title: 'Code', items: [{ text: 'Changes merged and reviewed', done: true }, 'Security review signed'] },
        { title: 'Platform', items: ['Flags created', 'Dashboards built'] },
        { title: 'Docs', items: ['Runbook written'] },
        { title: 'Verification', items: ['Soak test run'] },
      ],
    },
    {
      title: 'Launch Day',
      sections: [
        { title: 'Warm-up (T-2 hours)', timing: hours(-2), items: ['Freeze merges', 'Confirm people on hand'] },
        {
          title: 'Stage 1: Canary (10%)',
          items: ['Ship to canary hosts', { text: 'Watch the graphs for 30 minutes', timer: { kind: 'watch', minutes: 30 } }],
        },
        {
          title: 'Stage 2: Widen (50%)',
          items: ['Open to half of traffic', { text: 'Watch for 1 hour', timer: { kind: 'watch', minutes: 60 } }],
        },
        {
          title: 'Stage 3: Everyone (100%)',
          items: ['Open to all traffic', { text: 'Watch for 2 hours', timer: { kind: 'watch', minutes: 120 } }],
        },
        { title: 'Follow-up (T+24 hours)', timing: hours(24), items: ['Review the first day'] },
      ],
    },
    {
      title: 'Rollback',
      kind: 'rollback',
      sections: [
        { title: 'When to roll back', items: ['Errors above 1%'] },
        {
          title: 'How to roll back',
          items: [
            'Page the incident lead',
            'Turn the flags off',
            { text: 'If still broken after 5 minutes:', timer: { kind: 'timebox', minutes: 5 } },
            { text: 'Redeploy the previous build', depth: 1 },
          ],
        },
      ],
    },
    { title: 'Comms', sections: [{ title: 'Inside' }, { title: 'Outside' }] },
    { title: 'Targets', sections: [{ title: 'Tech' }, { title: 'Business' }] },
    { title: 'Approvals', kind: 'signoff', sections: [{ title: 'Approvals', implicit: true, items: ['Ops lead', 'QA lead'] }] },
  ]);
}

/** Shaped like timed-deployment-day.md: "(T-7 days)", a T-0 day of clock windows, "(T+1 day)", timed rollback. */
export function timedLike(): Checklist {
  return buildChecklist('timed-like', [
    {
      title: 'Preparation (T-7 days)',
      timing: days(-7),
      sections: [{ title: 'Hosts' }, { title: 'Data store' }, { title: 'Hardening' }, { title: 'Paperwork' }],
    },
    {
      title: 'Launch Day (T-0)',
      timing: tZero(),
      sections: [
        { title: 'Early (6:00 AM - 12:00 PM)', timing: clock('06:00', '12:00') },
        { title: 'Step 1: Hosts (12:00 PM - 2:00 PM)', timing: clock('12:00', '14:00') },
        { title: 'Step 2: Schema (2:00 PM - 4:00 PM)', timing: clock('14:00', '16:00') },
        { title: 'Step 3: Services (4:00 PM - 6:00 PM)', timing: clock('16:00', '18:00') },
        { title: 'Step 4: Backfill (6:00 PM - 10:00 PM)', timing: clock('18:00', '22:00') },
        { title: 'Cutover (10:00 PM - 12:00 AM)', timing: clock('22:00', '24:00') },
      ],
    },
    {
      title: 'Aftercare (T+1 day)',
      timing: days(1),
      sections: [
        { title: 'First look (6:00 AM - 9:00 AM)', timing: clock('06:00', '09:00') },
        { title: 'Settling (9:00 AM - 5:00 PM)', timing: clock('09:00', '17:00') },
        { title: 'Hand-off (5:00 PM - 6:00 PM)', timing: clock('17:00', '18:00') },
      ],
    },
    {
      title: 'Rollback Procedure',
      kind: 'rollback',
      sections: [
        {
          title: 'Rollback Procedure',
          implicit: true,
          items: [
            { text: '*Decide* (15 minutes)', timer: { kind: 'timebox', minutes: 15 } },
            { text: 'Size up the problem', depth: 1 },
            { text: '*Revert* (30 minutes)', timer: { kind: 'timebox', minutes: 30 } },
            { text: 'Point DNS back', depth: 1 },
            { text: '*After the revert* (1 hour)', timer: { kind: 'timebox', minutes: 60 } },
          ],
        },
      ],
    },
    { title: 'Final Sign-Off', kind: 'signoff', sections: [{ title: 'Final Sign-Off', implicit: true, items: ['Lead', 'Sponsor'] }] },
  ]);
}

/** Epoch ms of an ISO instant, to keep expectations readable. */
export function at(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant in a test: ${iso}`);
  return ms;
}

/** An instant back as ISO without milliseconds, or null. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z');
}
