import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/domain/parseChecklist.js';
import { shiftsAt } from '../../src/domain/shiftsNow.js';
import { repoRoot, sharedSamplesDir } from '../support/sharedSamples.js';

const FIXTURE = 'test/fixtures/people/people-day.md';

function parse(text: string, source = 'inline.md') {
  const result = parseChecklist(text, { name: 'inline', source });
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
  return result;
}

const withItems = (body: string): string => `# Day\n\n## Work\n- [ ] Do the thing\n\n${body}\n`;

describe('contacts, rota and escalation prose', () => {
  const result = parse(readFileSync(path.join(repoRoot, FIXTURE), 'utf8'), FIXTURE);
  const people = result.checklist.people!;

  it('reads "Role: Name - e-mail - phone" lines in the forms teams write them', () => {
    expect(people.contacts.slice(0, 4)).toEqual([
      { role: 'Release owner', name: 'Marta Kowalczyk', email: 'marta@ledger.test', phone: '+44 20 7946 0011', line: 16 },
      { role: 'Primary on-call', name: 'Idris Mensah', email: 'idris@ledger.test', phone: '+1 415 555 0142', line: 17 },
      { role: 'Database steward', name: 'Hana Sato', email: 'hana@ledger.test', phone: null, line: 18 },
      { role: 'Finance liaison', name: 'Olu Adeyemi', email: null, phone: null, line: 19 },
    ]);
  });

  it('reads a contacts table by its column names and reports its malformed rows with their lines', () => {
    expect(people.contacts.find((c) => c.name === 'Ravi Pillai')).toEqual({
      role: 'Storage vendor',
      name: 'Ravi Pillai',
      email: 'ravi@vendor.test',
      phone: '+1-555-0190',
      line: 34,
    });
    // A row whose e-mail is not an address keeps the person, shown by name.
    expect(people.contacts.find((c) => c.name === 'Tom Ueda')).toMatchObject({ email: null, phone: '+1-555-0193' });
    const byLine = new Map(result.warnings.map((w) => [w.line, w.message]));
    expect(byLine.get(35)).toBe('contacts table row has 3 cells but the header has 4: row not read as a contact');
    expect(byLine.get(36)).toBe('contacts table row has no name: row not read as a contact');
    expect(byLine.get(37)).toBe('"tom at payments" is not an e-mail address: Tom Ueda is shown by name');
    expect(byLine.get(20)).toContain('contact line names nobody for "Security reviewer"');
    expect(result.warnings.every((w) => w.file === FIXTURE)).toBe(true);
  });

  it('reads shift windows with their days, labels and overnight ends, and reports a shift that names nobody', () => {
    expect(people.shifts.map((s) => [s.label, s.who, s.start, s.end, s.days?.text ?? null, s.line])).toEqual([
      ['Morning', 'Idris Mensah', 6 * 60, 14 * 60, 'Dec 1-3', 26],
      ['Evening', 'Zoë Lindqvist', 14 * 60, 22 * 60, 'Dec 1-3', 27],
      ['Night', 'Hana Sato', 22 * 60, 6 * 60, 'Dec 4', 28],
    ]);
    expect(result.warnings.find((w) => w.line === 29)?.message).toBe('shift 9AM-5PM names nobody: write "Label (7AM-3PM): Name"');
  });

  it('takes the Escalation section’s numbered steps in order, with the e-mail a step gives', () => {
    expect(people.escalation.map((s) => [s.level, s.label, s.who, s.email])).toEqual([
      [1, 'First line', 'Support engineer on shift', null],
      [2, 'Second line', 'Platform lead', 'plat-lead@ledger.test'],
      [3, 'Third line', 'Head of platform', null],
    ]);
  });

  it('reads an inline "Escalation path: 1. … 2. …" when there is no Escalation section, and arrows too', () => {
    const numbered = parse(withItems('### Key Contacts\n- Lead: Ana Ruiz\nEscalation path: 1. Lead 2. Duty manager 3. CTO'));
    expect(numbered.checklist.people!.escalation.map((s) => s.who)).toEqual(['Lead', 'Duty manager', 'CTO']);
    const arrows = parse(withItems('### Escalation\nOn-call → Team lead → Director'));
    expect(arrows.checklist.people!.escalation.map((s) => s.who)).toEqual(['On-call', 'Team lead', 'Director']);
  });

  it('keeps accented and non-Latin names exactly as written', () => {
    const text = withItems('### Contacts\n- Owner: José Zürich (jose@example.test)\n- Backup: 山田 太郎 - yamada@example.test');
    expect(parse(text).checklist.people!.contacts.map((c) => c.name)).toEqual(['José Zürich', '山田 太郎']);
  });

  it('reads the shared sample’s emergency contacts table, and finds no people in a checklist that names none', () => {
    const sample = readFileSync(path.join(sharedSamplesDir(), 'timed-deployment-day.md'), 'utf8');
    const contacts = parse(sample, 'timed-deployment-day.md').checklist.people!.contacts;
    expect(contacts.map((c) => c.name)).toEqual(['John Smith', 'Jane Doe', 'Bob Wilson', 'Alice Brown', 'Charlie Davis']);
    expect(contacts[1]).toMatchObject({ role: 'Database Admin', email: 'jane@company.com', phone: '+1-555-0101' });
    expect(parse(withItems('### Notes\n- Dashboards are linked in the runbook')).checklist.people).toBeUndefined();
  });
});

describe('who is on shift', () => {
  const people = parse(readFileSync(path.join(repoRoot, FIXTURE), 'utf8')).checklist.people!;
  const utc = (iso: string): number => Date.parse(iso);

  it('finds the shift covering a moment on one of its days, in the run’s zone', () => {
    const now = utc('2026-12-02T15:30:00Z');
    expect(shiftsAt(people.shifts, now, 'UTC').map((s) => s.shift.who)).toEqual(['Zoë Lindqvist']);
    const [evening] = shiftsAt(people.shifts, now, 'UTC');
    expect([evening!.startsAt, evening!.endsAt]).toEqual([utc('2026-12-02T14:00:00Z'), utc('2026-12-02T22:00:00Z')]);
    // The same instant is 10:30 on New York’s wall clock: the morning shift there.
    expect(shiftsAt(people.shifts, now, 'America/New_York').map((s) => s.shift.who)).toEqual(['Idris Mensah']);
  });

  it('gives an overnight shift to the day it started, and nobody outside the rota’s days', () => {
    expect(shiftsAt(people.shifts, utc('2026-12-05T03:00:00Z'), 'UTC').map((s) => s.shift.who)).toEqual(['Hana Sato']);
    expect(shiftsAt(people.shifts, utc('2026-12-04T03:00:00Z'), 'UTC')).toEqual([]);
    expect(shiftsAt(people.shifts, utc('2026-12-08T10:00:00Z'), 'UTC')).toEqual([]);
  });
});
