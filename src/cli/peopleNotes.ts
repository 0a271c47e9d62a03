import type { Checklist } from '../domain/checklist.js';
import { templatesOf } from '../domain/commsTemplates.js';

/**
 * `deployday lint` says what it understood of the checklist's people and templates (issue 10), one
 * `file:line: note:` each, so an author sees a contact, shift or step that was read wrong.
 */
export function peopleNotes(file: string, checklist: Checklist): string[] {
  const notes: Array<{ line: number; text: string }> = [];
  const people = checklist.people;
  for (const c of people?.contacts ?? []) {
    const details = [c.email ? `<${c.email}>` : null, c.phone].filter((d) => d !== null).join(' ');
    notes.push({ line: c.line, text: `contact ${c.role ? `"${c.role}": ` : ''}${c.name}${details ? ` ${details}` : ''}` });
  }
  for (const s of people?.shifts ?? []) {
    const days = s.days ? `${s.days.text}, ` : 'every day, ';
    notes.push({
      line: s.line,
      text: `shift ${days}${s.label ? `${s.label} ` : ''}${s.text} (${checklist.settings.timezone ?? 'the run’s timezone'}): ${s.who}`,
    });
  }
  for (const s of people?.escalation ?? []) {
    notes.push({ line: s.line, text: `escalation step ${s.level}${s.label ? ` "${s.label}"` : ''}: ${s.who}${s.email ? ` <${s.email}>` : ''}` });
  }
  for (const t of templatesOf(checklist)) {
    const line = checklist.reference[t.refIndex]?.line ?? 0;
    notes.push({ line, text: `template "${t.title}" (${t.text.length} characters): offered with Post update in \`/deploy ref\`` });
  }
  return notes.sort((a, b) => a.line - b.line).map((n) => `${file}:${n.line}: note: ${n.text}`);
}
