import type { Checklist } from './checklist.js';
import { formatInZone } from './zonedTime.js';

/**
 * Communication templates a checklist carries (issue 10): a reference section under a heading such
 * as "Communication Templates" or "Status update" whose body holds a fenced or quoted message. Pure.
 */
export interface CommsTemplate {
  /** Index of its section in `checklist.reference` (stable for a run: the checklist is snapshotted). */
  refIndex: number;
  title: string;
  /** The message as written, without the fence or the `>` quote marks. */
  text: string;
}

/** Slack's limit on a plain-text input's value, and so on the text of one posted update. */
export const UPDATE_MAX_CHARS = 3_000;

const TEMPLATE_HEADING = /template|announce|notice|notification|status update|\bupdate\b|communicat|\bcomms\b|message|e-?mail to/i;

export function templatesOf(checklist: Checklist): CommsTemplate[] {
  const out: CommsTemplate[] = [];
  checklist.reference.forEach((section, refIndex) => {
    const parent = checklist.reference.slice(0, refIndex).findLast((r) => r.level < section.level && r.level > 0);
    if (!TEMPLATE_HEADING.test(section.title) && !(parent && TEMPLATE_HEADING.test(parent.title))) return;
    const text = messageIn(section.body);
    if (text !== null) out.push({ refIndex, title: section.title, text });
  });
  return out;
}

/** The first fenced block, else the quoted lines; null when the body has neither. */
function messageIn(body: string): string | null {
  const lines = body.split('\n');
  const open = lines.findIndex((l) => /^\s*(```|~~~)/.test(l));
  if (open !== -1) {
    const marker = lines[open]!.trim().slice(0, 3);
    const close = lines.findIndex((l, i) => i > open && l.trim().startsWith(marker));
    const text = lines
      .slice(open + 1, close === -1 ? undefined : close)
      .join('\n')
      .trim();
    return text === '' ? null : text;
  }
  const quoted = lines.filter((l) => /^\s*>/.test(l)).map((l) => l.replace(/^\s*>\s?/, ''));
  const text = quoted.join('\n').trim();
  return text === '' ? null : text;
}

/** What the run knows to put in a template's placeholders. */
export interface RunFacts {
  title: string;
  runId: number;
  t0: number;
  timezone: string;
  /** "in progress: 4 of 12 items done", "rolling back", … */
  status: string;
  /** A link to the run in Slack, when known. */
  link: string | null;
}

/**
 * `[DATE]`, `[Time]`, `{{status}}`, `<URL>`-style placeholders the run knows are filled in; the
 * others ("[Customer name]") stay for the poster to fill.
 */
export function fillTemplate(text: string, facts: RunFacts): string {
  // A markdown link's label ("[status](https://…)") is not a placeholder: the `(?!\()` below keeps it.
  const when = formatInZone(facts.t0, facts.timezone);
  const [date, time] = [when.slice(0, 10), when.slice(11)];
  const values: Record<string, string> = {
    date: date,
    deploymentdate: date,
    time: time,
    starttime: time,
    t0: when,
    tzero: when,
    datetime: when,
    checklist: facts.title,
    title: facts.title,
    checklisttitle: facts.title,
    run: `#${facts.runId}`,
    status: facts.status,
    currentstatus: facts.status,
  };
  if (facts.link) {
    for (const key of ['url', 'link', 'runlink', 'slacklink', 'statuslink']) values[key] = facts.link;
  }
  return text.replace(/\[([^\]\n]{1,40})\](?!\()|\{\{([^}\n]{1,40})\}\}/g, (whole, square?: string, curly?: string) => {
    const key = (square ?? curly ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
    return values[key] ?? whole;
  });
}
