/**
 * The schedule of a run as mrkdwn lines: each phase, each section with its window in the reader's
 * own time (Slack date tokens) and its state. `/deploy schedule` replies with it; the overview
 * message reuses the lines.
 */
import type { Section } from '../../domain/checklist.js';
import type { RunSnapshot } from '../../domain/run.js';
import { isUntimed } from '../../domain/sectionTimelineState.js';
import type { SectionTimelineState, SectionWindow } from '../../domain/sectionWindow.js';
import { joinLinesWithin, truncate } from './blockKit.js';
import { checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';
import { progressText, sectionStateLabel } from './runState.js';
import { slackDayTime, slackWindow } from './slackDate.js';

/** Replies are one section of text: Slack's limit for it. */
export const TEXT_REPLY_MAX = 3000;
const LINE_MAX = 400;
const TITLE_MAX = 120;
/** Beside a section with no time written (issue 10). */
export const UNTIMED_NOTE = '_no time written: open from the start_';
const SETTLED = new Set<SectionTimelineState>(['done', 'held', 'blocked', 'missed']);

/** A phase title as a link to its message when we have a usable permalink. */
function phaseTitle(title: string, link: string | undefined): string {
  const text = truncate(checklistTitle(title), TITLE_MAX);
  if (link === undefined || link.length > 300 || /[|<>\s]/.test(link)) return `*${text}*`;
  return `*<${link}|${text}>*`;
}

/**
 * One line per phase and one per section. An implicit section (items straight under the phase
 * heading) is folded into its phase's line, since it has no title of its own.
 */
export function scheduleLines(
  snapshot: RunSnapshot,
  windows: SectionWindow[],
  stateOf: (sectionId: string) => SectionTimelineState,
  phaseLinks: Record<string, string> = {},
): string[] {
  const windowOf = new Map(windows.map((w) => [w.sectionId, w]));
  const lines: string[] = [];
  const describe = (section: Section): string => {
    const window = windowOf.get(section.id);
    const state = stateOf(section.id);
    const when = window === undefined ? '' : slackWindow(window.opensAt, window.closesAt);
    // Said where it is true: a section with no time written is open from the start (see sectionTimelineState).
    const untimed = isUntimed(window ?? null, section) && !SETTLED.has(state) ? UNTIMED_NOTE : '';
    return [when, sectionStateLabel(snapshot, section.items, state), untimed].filter((p) => p.length > 0).join(' — ');
  };
  for (const phase of snapshot.run.checklist.phases) {
    const items = phase.sections.flatMap((s) => s.items);
    let line = `${phaseTitle(phase.title, phaseLinks[phase.id])}${items.length > 0 ? ` (${progressText(snapshot, items)})` : ''}`;
    const implicit = phase.sections.length === 1 && phase.sections[0]!.implicit ? phase.sections[0]! : null;
    if (implicit !== null) line += ` — ${describe(implicit)}`;
    lines.push(truncate(line, LINE_MAX));
    if (implicit !== null) continue;
    for (const section of phase.sections) {
      const title = section.implicit ? '_(items under the phase)_' : truncate(checklistTitle(section.title), TITLE_MAX);
      lines.push(truncate(`\u2003• ${title} — ${describe(section)}`, LINE_MAX));
    }
  }
  return lines;
}

/** `/deploy schedule`: every section, its window in the reader's time, and its state. */
export function renderScheduleText(
  snapshot: RunSnapshot,
  windows: SectionWindow[],
  now: number,
  stateOf: (sectionId: string) => SectionTimelineState,
): string {
  const run = snapshot.run;
  const head = truncate(
    `*Schedule of #${run.id} · ${checklistTitle(run.checklist.title)}*\n_As of ${slackDayTime(now)}, in your timezone; the checklist is written in ${escapeMrkdwn(run.timezone)}._`,
    500,
  );
  const body = joinLinesWithin(scheduleLines(snapshot, windows, stateOf), TEXT_REPLY_MAX - head.length - 1);
  return `${head}\n${body}`;
}
