import type { RunSnapshot } from './run.js';
import { median, sectionSpans, type SectionSpan } from './sectionActuals.js';
import type { SectionWindow } from './sectionWindow.js';

/**
 * Where a run stands against its plan, and when each remaining window will really close. The rule
 * (docs/forecast.md says it for people):
 *
 * - Duration of what is left of a section, first that applies:
 *   1. past runs: the median actual duration of the same section (same phase and section title) in
 *      this checklist's completed past runs; a section is as long as it was before, whoever is on it;
 *   2. pace: remaining items × the median gap between consecutive ticks in the same phase so far
 *      (the whole run's median while the phase has none), counted from now;
 *   3. plan: the planned window's length, scaled to the share of its items still open (nothing
 *      measured yet, so assume the plan's own rate holds).
 * - A section not started opens at the later of its planned open, now, and the projected close of
 *   the section before it on the same branch: a late phase pushes the ones after it.
 * - Standing: the most recent evidence wins: a section that closed (actual close − planned close) or
 *   a window that is past its close and still open (now − planned close). Within ±2 min is on plan.
 * - After a rollback, the normal sections still open are stopped: only the rollback's windows count.
 *
 * Pure: `now` is passed in; durations are real elapsed milliseconds, so a window across a DST change
 * is as long as the clocks make it.
 */

const MINUTE_MS = 60_000;
/** Lateness within this many minutes either way reads "on plan": ticks are never on the second. */
export const ON_PLAN_MINUTES = 2;

export type SectionForecastState = 'done' | 'in_progress' | 'not_started' | 'stopped' | 'held';
export type ProjectionBasis = 'actual' | 'history' | 'pace' | 'plan' | 'none';

/** Past durations (ms) of each section, by SectionSpan.key, from completed runs of the same checklist. */
export type SectionHistory = Record<string, number[]>;

export interface SectionForecast extends SectionSpan {
  state: SectionForecastState;
  projectedOpen: number | null;
  projectedClose: number | null;
  basis: ProjectionBasis;
  /** Projected (or actual) close minus planned close, whole minutes rounded up; null without both. */
  overrunMinutes: number | null;
}

export type Standing =
  | { kind: 'on_plan'; minutes: number; sectionTitle: string | null; at: number | null; plannedClose: number | null; stillOpen: boolean }
  | { kind: 'behind' | 'ahead'; minutes: number; sectionTitle: string; at: number; plannedClose: number; stillOpen: boolean };

export interface RunForecast {
  sections: SectionForecast[];
  standing: Standing;
  /** The run's median ms per item, or null before two ticks landed in one section. */
  paceMs: number | null;
  /** Sections not done whose projected close is past their planned close by more than ON_PLAN_MINUTES. */
  overruns: SectionForecast[];
}

export interface ForecastInput {
  snapshot: RunSnapshot;
  windows: SectionWindow[];
  now: number;
  history?: SectionHistory;
}

/** Gaps between consecutive marks of each section: how long one more item took. */
function gaps(spans: SectionSpan[]): number[] {
  return spans.flatMap((s) => s.marks.slice(1).map((m, i) => m - s.marks[i]!));
}

function stateOf(span: SectionSpan, snapshot: RunSnapshot): SectionForecastState {
  if (span.rollback && !snapshot.run.rollbackActive) return 'held';
  if (span.itemCount === 0 || span.settledCount === span.itemCount) return 'done';
  if (!span.rollback && snapshot.run.rollbackActive) return 'stopped';
  return span.actualOpen === null ? 'not_started' : 'in_progress';
}

export function forecastRun(input: ForecastInput): RunForecast {
  const { snapshot, now } = input;
  const spans = sectionSpans(snapshot, input.windows);
  const runPace = median(gaps(spans));
  const phasePace = new Map<string, number | null>();
  for (const phaseId of new Set(spans.map((s) => s.phaseId))) phasePace.set(phaseId, median(gaps(spans.filter((s) => s.phaseId === phaseId))));

  const lastClose: Record<'main' | 'rollback', number | null> = { main: null, rollback: null };
  const sections = spans.map((span): SectionForecast => {
    const state = stateOf(span, snapshot);
    const branch = span.rollback ? 'rollback' : 'main';
    const base = { ...span, state, projectedOpen: null, projectedClose: null, basis: 'none' as ProjectionBasis, overrunMinutes: null };
    if (state === 'held' || state === 'stopped') return base;
    if (state === 'done') {
      const out: SectionForecast = { ...base, projectedOpen: span.actualOpen, projectedClose: span.actualClose, basis: 'actual' };
      out.overrunMinutes = overrun(span.actualClose, span.plannedClose);
      return out;
    }
    const remaining = span.itemCount - span.settledCount;
    const past = median(input.history?.[span.key] ?? []);
    const pace = phasePace.get(span.phaseId) ?? runPace;
    const plannedLength = span.plannedOpen !== null && span.plannedClose !== null ? span.plannedClose - span.plannedOpen : null;
    const open = span.actualOpen ?? Math.max(span.plannedOpen ?? -Infinity, now, lastClose[branch] ?? -Infinity);
    let close: number | null;
    let basis: ProjectionBasis;
    if (past !== null) {
      close = Math.max(now, open + past);
      basis = 'history';
    } else if (pace !== null) {
      close = Math.max(now, open) + remaining * pace;
      basis = 'pace';
    } else if (plannedLength !== null) {
      close = Math.max(now, open) + Math.round((plannedLength * remaining) / span.itemCount);
      basis = 'plan';
    } else if (span.plannedClose !== null) {
      close = Math.max(now, open, span.plannedClose);
      basis = 'plan';
    } else {
      close = null;
      basis = 'none';
    }
    if (close !== null) lastClose[branch] = close;
    return { ...base, projectedOpen: open, projectedClose: close, basis, overrunMinutes: overrun(close, span.plannedClose) };
  });

  const overruns = sections.filter(
    (s) => (s.state === 'in_progress' || s.state === 'not_started') && s.overrunMinutes !== null && s.overrunMinutes > ON_PLAN_MINUTES,
  );
  return { sections, standing: standingOf(sections, now), paceMs: runPace, overruns };
}

function overrun(close: number | null, plannedClose: number | null): number | null {
  if (close === null || plannedClose === null) return null;
  return Math.ceil((close - plannedClose) / MINUTE_MS);
}

function standingOf(sections: SectionForecast[], now: number): Standing {
  let best: { at: number; lateMs: number; section: SectionForecast; stillOpen: boolean } | null = null;
  for (const s of sections) {
    if (s.plannedClose === null) continue;
    let evidence: { at: number; lateMs: number; stillOpen: boolean } | null = null;
    if (s.state === 'done' && s.actualClose !== null) evidence = { at: s.actualClose, lateMs: s.actualClose - s.plannedClose, stillOpen: false };
    else if ((s.state === 'in_progress' || s.state === 'not_started') && now > s.plannedClose) {
      evidence = { at: now, lateMs: now - s.plannedClose, stillOpen: true };
    }
    if (evidence === null) continue;
    if (best === null || evidence.at > best.at || (evidence.at === best.at && evidence.lateMs > best.lateMs)) best = { ...evidence, section: s };
  }
  if (best === null) return { kind: 'on_plan', minutes: 0, sectionTitle: null, at: null, plannedClose: null, stillOpen: false };
  const minutes = Math.round(best.lateMs / MINUTE_MS);
  const common = { sectionTitle: best.section.title, at: best.at, plannedClose: best.section.plannedClose!, stillOpen: best.stillOpen };
  if (Math.abs(minutes) <= ON_PLAN_MINUTES) return { kind: 'on_plan', minutes, ...common };
  return { kind: minutes > 0 ? 'behind' : 'ahead', minutes: Math.abs(minutes), ...common };
}

/** The slip that brings a window back: the overrun rounded up to 5 minutes. */
export function suggestedSlipMinutes(overrunMinutes: number): number {
  return Math.max(5, Math.ceil(overrunMinutes / 5) * 5);
}
