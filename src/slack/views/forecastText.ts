/**
 * The live forecast in words: where the run stands against plan ("22 min behind: Canary closed at
 * 14:52, planned 14:30") and the remaining windows projected to close late. One line for the
 * overview's summary, a few for `/deploy status`. Times are Slack date tokens; titles escaped.
 */
import { forecastRun, type RunForecast, type SectionForecast, type SectionHistory } from '../../domain/forecast.js';
import type { RunSnapshot } from '../../domain/run.js';
import type { SectionWindow } from '../../domain/sectionWindow.js';
import { truncate } from './blockKit.js';
import { checklistTitle } from './checklistMrkdwn.js';
import { slackTime } from './slackDate.js';

const TITLE_MAX = 60;
const BASIS_WORDS: Record<SectionForecast['basis'], string> = {
  history: 'as long as in past runs',
  pace: 'at this run’s pace',
  plan: 'as planned',
  actual: '',
  none: '',
};

export function standingLine(forecast: RunForecast): string {
  const s = forecast.standing;
  if (s.sectionTitle === null || s.at === null || s.plannedClose === null) return '*Against plan:* on plan';
  const title = truncate(checklistTitle(s.sectionTitle), TITLE_MAX);
  const what = s.stillOpen
    ? `${title} still open, planned to close ${slackTime(s.plannedClose)}`
    : `${title} closed at ${slackTime(s.at)}, planned ${slackTime(s.plannedClose)}`;
  if (s.kind === 'on_plan') return `*Against plan:* on plan (${what})`;
  return `*Against plan:* ${s.kind === 'behind' ? '⏱' : '⏩'} ${s.minutes} min ${s.kind}: ${what}`;
}

export function overrunLine(section: SectionForecast): string {
  const title = truncate(checklistTitle(section.title), TITLE_MAX);
  return `⚠️ ${title} projected to close ${slackTime(section.projectedClose!)} ${BASIS_WORDS[section.basis]}, ${section.overrunMinutes} min after its planned ${slackTime(section.plannedClose!)}`;
}

export function onTimeLine(section: SectionForecast): string {
  const title = truncate(checklistTitle(section.title), TITLE_MAX);
  return `🕒 ${title} projected to close ${slackTime(section.projectedClose!)} ${BASIS_WORDS[section.basis]} (planned ${slackTime(section.plannedClose!)})`;
}

/**
 * Lines for a run still going: the standing, then up to `maxWindows` remaining windows with their
 * projected close, the ones projected late first (they are what someone must act on).
 */
export function forecastLines(forecast: RunForecast, maxWindows = 2): string[] {
  const lines = [standingLine(forecast)];
  const late = new Set(forecast.overruns);
  const onTime = forecast.sections.filter(
    (s) => (s.state === 'in_progress' || s.state === 'not_started') && !late.has(s) && s.projectedClose !== null && s.plannedClose !== null,
  );
  const shown = [...forecast.overruns, ...onTime].slice(0, maxWindows);
  for (const section of shown) lines.push(late.has(section) ? overrunLine(section) : onTimeLine(section));
  if (forecast.overruns.length > maxWindows) lines.push(`…and ${forecast.overruns.length - maxWindows} more windows projected late`);
  return lines;
}

/** The same, straight from what the views are given; nothing for a run that has ended. */
export function forecastLinesFor(snapshot: RunSnapshot, windows: SectionWindow[], now: number, history?: SectionHistory, maxWindows = 2): string[] {
  if (snapshot.run.status !== 'active') return [];
  return forecastLines(forecastRun({ snapshot, windows, now, ...(history ? { history } : {}) }), maxWindows);
}
