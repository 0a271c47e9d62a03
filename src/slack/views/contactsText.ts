/**
 * `/deploy contacts`: the people the checklist names (contacts, who is on shift by its rota, the
 * escalation path), with a mention beside every name whose e-mail resolved to a Slack user. A name
 * that did not resolve is still shown, as text. Checklist text goes through the one escaping rule.
 */
import type { ChecklistPeople, Contact, EscalationStep } from '../../domain/people.js';
import type { ShiftNow } from '../../domain/shiftsNow.js';
import type { LookupNote } from '../slackUserDirectory.js';
import { joinLinesWithin } from './blockKit.js';
import { escapeMrkdwn } from './checklistMrkdwn.js';
import { mention } from './noticeText.js';
import { slackTime } from './slackDate.js';

export interface ContactsView {
  runId: number;
  people: ChecklistPeople | undefined;
  onShift: ShiftNow[];
  /** The zone the rota's clock times are read in (the run's). */
  timezone: string;
  found: ReadonlyMap<string, string>;
  /** E-mails no Slack member has. */
  unknown: readonly string[];
  note: LookupNote;
}

/** Each part stays well inside one ephemeral reply; a longer list says how many more. */
const PART_MAX = 2_400;

/** Every e-mail a reply may turn into a mention: contacts' and escalation steps' (their own, or their contact's). */
export function emailsToResolve(people: ChecklistPeople | undefined): string[] {
  if (!people) return [];
  const emails = people.contacts.map((c) => c.email);
  emails.push(...people.escalation.map((s) => stepEmail(s, people.contacts)));
  return [...new Set(emails.filter((e): e is string => e !== null))];
}

/** A step's own e-mail, else that of the contact it names by role or name ("Release owner"). */
function stepEmail(step: EscalationStep, contacts: readonly Contact[]): string | null {
  if (step.email) return step.email;
  const who = step.who.toLowerCase();
  return contacts.find((c) => c.email && (c.role?.toLowerCase() === who || c.name.toLowerCase() === who))?.email ?? null;
}

function person(name: string, email: string | null, found: ReadonlyMap<string, string>): string {
  const id = email ? found.get(email) : undefined;
  return id ? `${escapeMrkdwn(name)} (${mention(id)})` : escapeMrkdwn(name);
}

export function renderContactsText(view: ContactsView): string {
  const { people, found } = view;
  if (!people) {
    return `Run #${view.runId}’s checklist names no contacts, rota or escalation path. Write them as a “Key Contacts” list or table, a “Support Rota” and an “Escalation” list (docs/checklist-format.md).`;
  }
  const out: string[] = [`*People of run #${view.runId}*, as its checklist names them`];
  if (people.contacts.length > 0) {
    const lines = people.contacts.map((c) => {
      const details = [c.email, c.phone].filter((d): d is string => d !== null).map(escapeMrkdwn);
      const role = c.role ? `*${escapeMrkdwn(c.role)}*: ` : '';
      return `• ${role}${person(c.name, c.email, found)}${details.length ? ` · ${details.join(' · ')}` : ''}`;
    });
    out.push(`*Contacts*\n${joinLinesWithin(lines, PART_MAX)}`);
  }
  if (people.shifts.length > 0) {
    const byName = (who: string): string | null => people.contacts.find((c) => c.name.toLowerCase() === who.toLowerCase())?.email ?? null;
    const now = view.onShift.map(
      (s) =>
        `• ${s.shift.label ? `${escapeMrkdwn(s.shift.label)}: ` : ''}${person(s.shift.who, byName(s.shift.who), found)}, ${slackTime(s.startsAt)}–${slackTime(s.endsAt)}`,
    );
    const rota = people.shifts.map((s) => {
      const days = s.days ? `${escapeMrkdwn(s.days.text)} · ` : '';
      return `• ${days}${s.label ? `${escapeMrkdwn(s.label)} ` : ''}${escapeMrkdwn(s.text)}: ${person(s.who, byName(s.who), found)}`;
    });
    out.push(`*On shift now* (by the checklist’s rota, in your time)\n${now.length ? now.join('\n') : '• nobody: the rota has no shift now'}`);
    out.push(`*Rota* (times in ${escapeMrkdwn(view.timezone)})\n${joinLinesWithin(rota, PART_MAX)}`);
  }
  if (people.escalation.length > 0) {
    const steps = people.escalation.map(
      (s) => `${s.level}. ${s.label ? `${escapeMrkdwn(s.label)}: ` : ''}${person(s.who, stepEmail(s, people.contacts), found)}`,
    );
    out.push(`*Escalation path*\n${joinLinesWithin(steps, PART_MAX)}`);
  }
  if (view.unknown.length > 0) {
    const list = view.unknown.slice(0, 10).map(escapeMrkdwn).join(', ');
    const more = view.unknown.length > 10 ? ` and ${view.unknown.length - 10} more` : '';
    out.push(
      `_No member of this Slack workspace has ${view.unknown.length === 1 ? 'this e-mail' : 'these e-mails'}, so ${view.unknown.length === 1 ? 'its person is' : 'their people are'} shown by name: ${list}${more}._`,
    );
  }
  const note = noteText(view.note);
  if (note) out.push(`_${note}_`);
  return out.join('\n\n');
}

/** For `/deploy oncall`: the rota's shift now, on lines of its own after PagerDuty's answer; '' without a rota. */
export function rotaNowText(people: ChecklistPeople | undefined, onShift: ShiftNow[]): string {
  if (!people || people.shifts.length === 0) return '';
  const lines = onShift.map(
    (s) =>
      `• ${s.shift.label ? `${escapeMrkdwn(s.shift.label)}: ` : ''}${escapeMrkdwn(s.shift.who)}, ${slackTime(s.startsAt)}–${slackTime(s.endsAt)}`,
  );
  return `\n*On shift by the checklist’s rota*\n${lines.length ? lines.join('\n') : '• nobody: the rota has no shift now'}`;
}

function noteText(note: LookupNote): string | null {
  if (note === null) return null;
  switch (note.kind) {
    case 'missing_scope':
      return 'Names are shown as text: add the `users:read.email` scope to the Slack app (manifest.yml) and reinstall it to link them to people.';
    case 'rate_limited':
      return `Slack asked deployday to slow down looking people up, so some names are shown as text; ask again in ${Math.max(1, Math.ceil(note.retryAfterMs / 1000))} s.`;
    case 'unavailable':
      return 'Slack did not answer every look-up in time, so some names are shown as text; ask again in a moment.';
  }
}
