/**
 * `/deploy ref [section]`: the checklist's reference sections (contacts tables, escalation prose,
 * rotas, templates, success criteria), rendered as mrkdwn through the one escaping rule. A long
 * section is split into parts at line boundaries and each reply says which part it is and how to
 * ask for the next: split, never cut.
 */
import type { Checklist, ReferenceSection } from '../../domain/checklist.js';
import { checklistBlock, checklistTitle, escapeMrkdwn } from './checklistMrkdwn.js';

/** Characters of one reply: under Slack's ~12k of text a message should carry, with room for the header. */
export const REFERENCE_PART_MAX = 11_000;

function usableSections(checklist: Checklist): ReferenceSection[] {
  return checklist.reference.filter((r) => r.body.trim() !== '');
}

/** A `##` kept only as an outline ("Success Criteria"): the reference sections beneath it. */
function sectionsUnder(checklist: Checklist, outline: ReferenceSection): ReferenceSection[] {
  const after = checklist.reference.filter((r) => r.line > outline.line);
  const end = after.findIndex((r) => r.level <= outline.level);
  return (end === -1 ? after : after.slice(0, end)).filter((r) => r.body.trim() !== '');
}

/** Lines of mrkdwn → parts of at most `max` characters; a single over-long line is split by characters. */
export function splitIntoParts(text: string, max: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > max) {
      if (current !== '') parts.push(current);
      current = '';
      parts.push(rest.slice(0, max));
      rest = rest.slice(max);
    }
    const joined = current === '' ? rest : `${current}\n${rest}`;
    if (joined.length > max) {
      parts.push(current);
      current = rest;
    } else {
      current = joined;
    }
  }
  if (current !== '' || parts.length === 0) parts.push(current);
  return parts;
}

function listText(runId: number, checklist: Checklist): string {
  const sections = usableSections(checklist);
  if (sections.length === 0) return `Run #${runId}’s checklist has no reference sections (sections without checkboxes).`;
  return [
    `*Reference material of run #${runId}* — \`/deploy ref &lt;section&gt;\` shows one:`,
    ...sections.map((r) => `• ${checklistTitle(r.title)}`),
  ].join('\n');
}

/** The section `/deploy ref <query>` shows: the one titled so, else the first whose title holds the words. */
export function findReferenceSection(checklist: Checklist, query: string): ReferenceSection | undefined {
  const wanted = query.trim().toLowerCase();
  const sections = usableSections(checklist);
  return sections.find((r) => r.title.trim().toLowerCase() === wanted) ?? sections.find((r) => r.title.toLowerCase().includes(wanted));
}

/** Reply text for `/deploy ref`: the list without a section; one section (one part of it) otherwise. */
export function renderReferenceText(runId: number, checklist: Checklist, query: string | null, part: number): string {
  if (query === null) return listText(runId, checklist);
  const wanted = query.trim().toLowerCase();
  const section = findReferenceSection(checklist, query);
  const outline = checklist.reference.find((r) => r.body.trim() === '' && r.title.trim().toLowerCase() === wanted);
  if (section === undefined && outline !== undefined) {
    const under = sectionsUnder(checklist, outline);
    if (under.length > 0) {
      return [
        `*${checklistTitle(outline.title)}* has no text of its own; the sections under it:`,
        ...under.map((r) => `• ${checklistTitle(r.title)}`),
      ].join('\n');
    }
  }
  if (section === undefined) {
    return `No reference section matches “${escapeMrkdwn(query.slice(0, 80))}”.\n${listText(runId, checklist)}`;
  }
  const parts = splitIntoParts(checklistBlock(section.body), REFERENCE_PART_MAX);
  const title = checklistTitle(section.title);
  if (part < 1 || part > parts.length) {
    return `*${title}* has ${parts.length === 1 ? '1 part' : `${parts.length} parts`}; ask for part 1${parts.length > 1 ? `–${parts.length}` : ''}.`;
  }
  if (parts.length === 1) return `*${title}*\n${parts[0]}`;
  const next = part < parts.length ? `\n_Next: \`/deploy ref ${escapeMrkdwn(query.slice(0, 80))} part ${part + 1}\`_` : '';
  return `*${title}* (part ${part} of ${parts.length})\n${parts[part - 1]}${next}`;
}
