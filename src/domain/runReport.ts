import { tallyItems } from './itemTally.js';
import { allSections, type Item, type Section } from './checklist.js';
import { forecastRun, type SectionForecast } from './forecast.js';
import { gateOutcome, gateRuleFor, standingVotes, type GateOutcome } from './gates.js';
import type { GateVote, RunSnapshot, RunStatus } from './run.js';
import type { SectionWindow } from './sectionWindow.js';
import type { AuditEntry } from './auditEntry.js';

/**
 * What a run was, for the summary message, the timeline picture and the exported record: built
 * from the run's snapshot, its final windows, its audit rows and its pages. Pure.
 *
 * Figures come from the rows themselves (ticks, votes, waivers, slips, pages), so the summary can
 * always be checked against the audit table it is printed beside.
 */

/** An audit row as the report reads it: the store's row, whatever run it came from. */
export type AuditRecord = Omit<AuditEntry, 'runId'>;

/** A PagerDuty page as the report reads it. */
export interface PageRecord {
  reason: string;
  summary: string;
  state: string;
  openedAt: number;
  resolvedAt: number | null;
}

export interface ReportGate {
  itemId: string;
  text: string;
  sectionTitle: string;
  outcome: GateOutcome;
  /** Every vote cast, oldest first (a changed vote appears twice). */
  votes: GateVote[];
  decidedAt: number | null;
}

export interface ReportSlip {
  at: number;
  by: string;
  minutes: number;
  how: string;
}

export interface ReportPage extends PageRecord {
  /** How long it stayed open; until the end of the run (or `now`) when never resolved. */
  openMs: number;
}

export interface ReportMarker {
  at: number;
  kind: 'gate_go' | 'gate_no_go' | 'slip' | 'page' | 'rollback' | 'end';
  label: string;
  /** Pages have a span: when they resolved. */
  until?: number;
}

export interface PhaseSpan {
  phaseId: string;
  title: string;
  rollback: boolean;
  plannedOpen: number | null;
  plannedClose: number | null;
  actualOpen: number | null;
  actualClose: number | null;
  /** The last tick or vote, for a phase left unfinished (its span is drawn up to here). */
  lastMark: number | null;
  overrunMinutes: number | null;
}

export interface RunReport {
  runId: number;
  title: string;
  checklistName: string;
  status: RunStatus;
  channelId: string;
  startedBy: string;
  timezone: string;
  t0: number;
  createdAt: number;
  endedAt: number | null;
  endReason: string | null;
  durationMs: number;
  items: {
    total: number;
    done: number;
    waived: Array<{ itemId: string; text: string; reason: string; by: string | null }>;
    /** Still open when the report was made, and left moot by a rollback: never folded into done. */
    open: number;
    skipped: number;
  };
  gates: ReportGate[];
  signoffs: Array<{ itemId: string; text: string; role: string; by: string | null; at: number | null }>;
  slips: ReportSlip[];
  pages: ReportPage[];
  rollback: { at: number; by: string; reason: string } | null;
  sections: SectionForecast[];
  phases: PhaseSpan[];
  /** Phases whose actual close came after their planned close. */
  overran: PhaseSpan[];
  markers: ReportMarker[];
  auditCount: number;
}

export interface RunReportInput {
  snapshot: RunSnapshot;
  windows: SectionWindow[];
  audit: AuditRecord[];
  pages: PageRecord[];
  /** The report of a run still going is as of this moment. */
  now: number;
}

/** "0 open", or "2 open · 5 skipped by the rollback": what was neither done nor waived, apart (exports and the Slack summary). */
export function itemsLeft(report: RunReport): string {
  return `${report.items.open} open${report.items.skipped > 0 ? ` · ${report.items.skipped} skipped by the rollback` : ''}`;
}

export function buildRunReport(input: RunReportInput): RunReport {
  const { snapshot, audit } = input;
  const run = snapshot.run;
  const end = run.endedAt ?? input.now;
  const inPlay = allSections(run.checklist).filter(({ phase }) => phase.kind !== 'rollback' || run.rollbackActive);
  const items = inPlay.flatMap(({ section }) => section.items);
  // A gate waived to let the run finish (gate.waive) is a waiver too, never a pass.
  const waivers = audit.filter((a) => a.action === 'item.waive' || a.action === 'gate.waive');
  const waivedIds = new Set(waivers.map((a) => a.target));
  const tally = tallyItems(snapshot);

  const gates: ReportGate[] = inPlay.flatMap(({ section }) =>
    section.items.filter((i) => i.kind === 'gate').map((item) => gateOf(snapshot, section, item)),
  );

  const slips = audit
    .filter((a) => a.action === 'run.reschedule')
    .map((a) => {
      const from = Number(a.detail?.['from'] ?? 0);
      const to = Number(a.detail?.['to'] ?? 0);
      return { at: a.at, by: a.actor, minutes: Math.round((to - from) / 60_000), how: String(a.detail?.['how'] ?? '') };
    });
  const rollbackRow = audit.find((a) => a.action === 'run.rollback');
  const rollback = rollbackRow
    ? { at: rollbackRow.at, by: rollbackRow.actor, reason: String(rollbackRow.detail?.['reason'] ?? run.rollbackReason ?? '') }
    : null;
  const pages = input.pages.map((p) => ({ ...p, openMs: Math.max(0, (p.resolvedAt ?? end) - p.openedAt) }));

  const forecast = forecastRun({ snapshot, windows: input.windows, now: end });
  const phases = phaseSpans(
    forecast.sections,
    run.checklist.phases.map((p) => ({ id: p.id, title: p.title, rollback: p.kind === 'rollback' })),
  );

  const markers: ReportMarker[] = [
    ...gates
      .filter((g) => g.decidedAt !== null && g.outcome !== 'pending')
      .map((g) => ({
        at: g.decidedAt!,
        kind: g.outcome === 'passed' ? ('gate_go' as const) : ('gate_no_go' as const),
        label: `${g.outcome === 'passed' ? 'Go' : 'No-Go'}: ${g.text}`,
      })),
    ...slips.map((s) => ({ at: s.at, kind: 'slip' as const, label: `Slip ${s.minutes >= 0 ? '+' : ''}${s.minutes}m` })),
    ...pages.map((p) => ({ at: p.openedAt, kind: 'page' as const, label: `Page: ${p.summary}`, until: p.resolvedAt ?? end })),
    ...(rollback ? [{ at: rollback.at, kind: 'rollback' as const, label: 'Rollback' }] : []),
    ...(run.endedAt !== null ? [{ at: run.endedAt, kind: 'end' as const, label: `End: ${run.status.replace('_', ' ')}` }] : []),
  ].sort((a, b) => a.at - b.at);

  return {
    runId: run.id,
    title: run.checklist.title,
    checklistName: run.checklistName,
    status: run.status,
    channelId: run.channelId,
    startedBy: run.startedBy,
    timezone: run.timezone,
    t0: run.t0,
    createdAt: run.createdAt,
    endedAt: run.endedAt,
    endReason: run.endReason,
    durationMs: Math.max(0, end - run.createdAt),
    items: {
      total: items.length,
      done: items.filter((i) => snapshot.items[i.id]?.done === true).length,
      open: tally.open,
      skipped: tally.skipped,
      waived: waivers
        .filter((a, i) => a.target !== null && waivers.findIndex((b) => b.target === a.target) === i)
        .map((a) => ({ itemId: a.target!, text: String(a.detail?.['text'] ?? a.target), reason: String(a.detail?.['reason'] ?? ''), by: a.actor })),
    },
    gates,
    signoffs: items
      .filter((i) => i.kind === 'signoff' && !waivedIds.has(i.id))
      .map((i) => ({ itemId: i.id, text: i.text, role: i.role ?? '', by: snapshot.items[i.id]?.by ?? null, at: snapshot.items[i.id]?.at ?? null })),
    slips,
    pages,
    rollback,
    sections: forecast.sections,
    phases,
    overran: phases.filter((p) => p.overrunMinutes !== null && p.overrunMinutes > 0 && p.actualClose !== null),
    markers,
    auditCount: audit.length,
  };
}

function gateOf(snapshot: RunSnapshot, section: Section, item: Item): ReportGate {
  const rule = gateRuleFor(snapshot.run.checklist, section, item);
  const votes = snapshot.votes.filter((v) => v.itemId === item.id).sort((a, b) => a.at - b.at);
  const outcome: GateOutcome = snapshot.items[item.id]?.done ? 'passed' : gateOutcome(rule, standingVotes(votes, item.id), snapshot.roles);
  return {
    itemId: item.id,
    text: item.text,
    sectionTitle: section.title,
    outcome,
    votes,
    decidedAt: outcome === 'pending' ? null : (votes.at(-1)?.at ?? null),
  };
}

/** Each phase's planned window and actual span: the earliest open and latest close of its sections. */
function phaseSpans(sections: SectionForecast[], phases: Array<{ id: string; title: string; rollback: boolean }>): PhaseSpan[] {
  const min = (xs: Array<number | null>) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.min(...v) : null;
  };
  const max = (xs: Array<number | null>) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.max(...v) : null;
  };
  return phases.map((phase) => {
    const own = sections.filter((s) => s.phaseId === phase.id);
    const plannedClose = max(own.map((s) => s.plannedClose));
    const finished = own.every((s) => s.state === 'done');
    const actualClose = finished ? max(own.map((s) => s.actualClose)) : null;
    return {
      phaseId: phase.id,
      title: phase.title,
      rollback: phase.rollback,
      plannedOpen: min(own.map((s) => s.plannedOpen)),
      plannedClose,
      actualOpen: min(own.map((s) => s.actualOpen)),
      actualClose,
      lastMark: max(own.map((s) => s.marks.at(-1) ?? null)),
      overrunMinutes: actualClose !== null && plannedClose !== null ? Math.ceil((actualClose - plannedClose) / 60_000) : null,
    };
  });
}
