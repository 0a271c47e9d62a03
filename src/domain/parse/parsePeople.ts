import { tableCells } from '../markdownText.js';
import type { ChecklistPeople, Contact, EscalationStep, Shift } from '../people.js';
import type { ReportProblem, SourceLine } from './drafts.js';
import { FENCE, LIST_ENTRY, indentOf, isDelimiterRow, isTableRow } from './lineSyntax.js';
import { brokenEmailIn, clockWindowIn, dateRangeIn, emailsIn, phonesIn, tidyName, withoutContactDetails } from './peopleLine.js';
import { plainWords } from './plainWords.js';
import type { Block } from './splitBlocks.js';

/**
 * Contacts, rota shifts and the escalation path, read from the reference sections teams write
 * ("Key Contacts", "Support Rota", "Escalation", contact tables). Pure. A line that looks meant
 * as a person but cannot be read is reported as a warning with its line; the run still starts.
 */

type Kind = 'contacts' | 'rota' | 'escalation';

function kindOf(title: string): Kind | null {
  if (/escalat/i.test(title)) return 'escalation';
  if (/\b(rota|rotation|shifts?|on-?call schedule|support schedule)\b/i.test(title)) return 'rota';
  if (/\b(contacts?|people|directory|who to call|owners)\b/i.test(title)) return 'contacts';
  return null;
}

/** `referenceLines`: the heading lines of the checklist's reference sections (no task items). */
export function parsePeople(blocks: Block[], referenceLines: ReadonlySet<number>, problem: ReportProblem): ChecklistPeople {
  const people: ChecklistPeople = { contacts: [], shifts: [], escalation: [] };
  // "Escalation path: 1. … 2. …" inside a contacts list; an Escalation section of its own wins.
  const inline: SourceLine[] = [];
  for (const block of blocks) {
    if (block.heading === null || !referenceLines.has(block.heading.line)) continue;
    const kind = kindOf(plainWords(block.heading.text));
    const lines = outsideFences(block.body);
    readTables(lines, people.contacts, problem);
    if (kind === null) continue;
    const prose = lines.filter((l) => !isTableRow(l.text) && l.text.trim() !== '');
    if (kind === 'escalation') readEscalation(prose, people.escalation, problem);
    if (kind === 'rota') readRota(prose, people.shifts, people.contacts, problem);
    if (kind === 'contacts') readContacts(prose, people, inline, problem);
  }
  if (people.escalation.length === 0) readEscalation(inline, people.escalation, problem);
  return people;
}

function outsideFences(body: SourceLine[]): SourceLine[] {
  const out: SourceLine[] = [];
  let inFence = false;
  for (const line of body) {
    if (FENCE.test(line.text)) inFence = !inFence;
    else if (!inFence) out.push(line);
  }
  return out;
}

/** A table with a name column and an e-mail or phone column is a contacts table. */
function readTables(lines: SourceLine[], contacts: Contact[], problem: ReportProblem): void {
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!isTableRow(lines[i]!.text) || !isDelimiterRow(lines[i + 1]!.text)) continue;
    const header = tableCells(lines[i]!.text).map((c) => plainWords(c).toLowerCase());
    const col = (re: RegExp): number => header.findIndex((h) => re.test(h));
    const name = col(/\b(name|person|who|engineer|contact)\b/);
    const email = col(/e-?mail/);
    const phone = col(/phone|mobile|tel|cell/);
    const role = col(/\b(role|position|title|function|team|area)\b/);
    let j = i + 2;
    for (; j < lines.length && isTableRow(lines[j]!.text); j++) {
      if (name === -1 || (email === -1 && phone === -1)) continue;
      const row = lines[j]!;
      const cells = tableCells(row.text);
      if (cells.length !== header.length) {
        problem(row.line, 'warning', `contacts table row has ${cells.length} cells but the header has ${header.length}: row not read as a contact`);
        continue;
      }
      const cell = (index: number): string => (index === -1 ? '' : plainWords(cells[index] ?? ''));
      const person = cell(name);
      if (person === '' || /^_+$/.test(person)) {
        problem(row.line, 'warning', 'contacts table row has no name: row not read as a contact');
        continue;
      }
      const emailText = cell(email);
      const address = emailsIn(emailText)[0] ?? null;
      if (emailText !== '' && address === null)
        problem(row.line, 'warning', `"${emailText.slice(0, 60)}" is not an e-mail address: ${person} is shown by name`);
      contacts.push({ role: cell(role) || null, name: person, email: address, phone: phonesIn(cell(phone))[0] ?? null, line: row.line });
    }
    i = j - 1;
  }
}

/** "- Release owner: Priya Natarajan - priya@example.org - +1 555 0100"; lines ending in ":" introduce a list. */
function readContacts(prose: SourceLine[], people: ChecklistPeople, inline: SourceLine[], problem: ReportProblem): void {
  for (const line of prose) {
    const entry = LIST_ENTRY.exec(line.text);
    const text = plainWords(entry ? entry[2]! : line.text);
    if (/^escalation( path)?\s?:/i.test(text)) {
      inline.push({ text: text.replace(/^escalation( path)?\s?:/i, '').trim(), line: line.line });
      continue;
    }
    if (!entry && !text.includes('@')) continue;
    if (text.endsWith(':')) continue;
    const contact = contactFrom(text, line.line, problem);
    if (contact) people.contacts.push(contact);
  }
}

function contactFrom(text: string, line: number, problem: ReportProblem): Contact | null {
  const email = emailsIn(text)[0] ?? null;
  const phone = phonesIn(text)[0] ?? null;
  const broken = brokenEmailIn(text);
  const colon = text.indexOf(':');
  const rest = withoutContactDetails(text);
  const restColon = rest.indexOf(':');
  const role = colon > 0 && colon <= 60 && restColon > 0 ? tidyName(rest.slice(0, restColon)) : null;
  const name = tidyName(restColon > 0 && role !== null ? rest.slice(restColon + 1) : rest);
  if (name === '' || /^_+$/.test(name)) {
    problem(line, 'warning', `contact line names nobody${role ? ` for "${role}"` : ''}: write "Role: Name - e-mail - phone"`);
    return null;
  }
  if (broken !== null && email === null) problem(line, 'warning', `"${broken}" is not an e-mail address: ${name} is shown by name`);
  return { role: role || null, name, email, phone, line };
}

/** "1. First line: Support engineer on shift"; also one line "1. Ops 2. Platform lead" or "Ops → Platform lead". */
function readEscalation(prose: SourceLine[], steps: EscalationStep[], problem: ReportProblem): void {
  for (const line of prose) {
    const entry = LIST_ENTRY.exec(line.text);
    if (entry && indentOf(entry[1]!) > 0) continue;
    const text = plainWords(entry ? entry[2]! : line.text);
    const inline = text.split(/\s(?=\d{1,2}[.)]\s)|\s?(?:→|->)\s?/).map((part) => part.replace(/^\d{1,2}[.)]\s/, '').trim());
    if (!entry && inline.length < 2) continue;
    for (const part of inline) {
      if (part === '') continue;
      const colon = part.indexOf(':');
      const label = colon > 0 && colon <= 30 ? part.slice(0, colon).trim() : null;
      const who = tidyName(withoutContactDetails(label === null ? part : part.slice(colon + 1)));
      if (who === '') {
        problem(line.line, 'warning', `escalation step${label ? ` "${label}"` : ''} names nobody`);
        continue;
      }
      steps.push({ level: steps.length + 1, label, who, email: emailsIn(part)[0] ?? null, line: line.line });
    }
  }
}

/** Shifts under date lines ("- Nov 3-6: shifts" then "  - Early (7AM-3PM): Tomás Oyelaran"). */
function readRota(prose: SourceLine[], shifts: Shift[], contacts: Contact[], problem: ReportProblem): void {
  let days: Shift['days'] = null;
  let daysIndent = -1;
  for (const line of prose) {
    const entry = LIST_ENTRY.exec(line.text);
    const indent = entry ? indentOf(entry[1]!) : indentOf(line.text);
    const text = plainWords(entry ? entry[2]! : line.text);
    if (indent <= daysIndent) days = null;
    const window = clockWindowIn(text);
    if (window === null) {
      const range = dateRangeIn(text);
      if (range) {
        days = range;
        daysIndent = indent;
      } else if (emailsIn(text).length > 0) {
        const contact = contactFrom(text, line.line, problem);
        if (contact) contacts.push(contact);
      }
      continue;
    }
    // "Dec 4: Night (22:00-06:00): Hana" → label "Night", who "Hana"; "Tomás: 7AM-3PM" → who "Tomás".
    const own = dateRangeIn(text.slice(0, window.index));
    const start = own ? text.indexOf(own.text) + own.text.length : 0;
    const before = text.slice(start, window.index).replace(/^\s?:/, '');
    const after = text.slice(window.index + window.text.length);
    const afterColon = after.indexOf(':');
    const beforeColon = before.lastIndexOf(':');
    let label: string | null = null;
    let who: string;
    if (afterColon !== -1) {
      label = tidyName(before + after.slice(0, afterColon)) || null;
      who = tidyName(withoutContactDetails(after.slice(afterColon + 1)));
    } else if (beforeColon !== -1) {
      label = tidyName(before.slice(0, beforeColon)) || null;
      who = tidyName(withoutContactDetails(before.slice(beforeColon + 1) + after));
      if (who === '') [label, who] = [null, label ?? ''];
    } else {
      who = tidyName(withoutContactDetails(before + after));
    }
    if (who === '') {
      problem(line.line, 'warning', `shift ${window.text} names nobody: write "Label (7AM-3PM): Name"`);
      continue;
    }
    shifts.push({ label, who, start: window.start, end: window.end, text: window.text, days: own ?? days, line: line.line });
  }
}
