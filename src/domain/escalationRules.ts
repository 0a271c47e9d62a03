import { allSections, type ChecklistSettings, type Item, type PageReasonKind, type Section } from './checklist.js';
import { gateStatuses } from './gates.js';
import { holdsAnyRole } from './roles.js';
import type { RunSnapshot } from './run.js';
import type { RollbackTimebox } from './schedule.js';
import { missedAtStart, type SectionTimelineState, type SectionWindow } from './sectionWindow.js';
import { isSettled } from './snapshotItems.js';
import { stripInlineMarkdown } from './markdownText.js';
import { closingGroups } from './sharedWindows.js';

export type PageSeverity = 'critical' | 'error' | 'warning' | 'info';

/** A page the run's state calls for right now. `reason` is stable, so it maps to one dedup key. */
export interface DesiredPage {
  reason: string;
  severity: PageSeverity;
  summary: string;
  sectionId: string | null;
  itemIds: string[];
}

export const DEFAULT_PAGE_GRACE_MINUTES = 15;

/**
 * Severity follows the reason (quoted in the README): a missed window or a missed gate is a
 * `warning` (someone should look, nobody needs waking), a No-Go, a rollback, a run-out rollback time
 * box or a page by hand is `critical`. The checklist's `pageSeverity` front matter overrides any of them.
 */
export const DEFAULT_PAGE_SEVERITY: Record<PageReasonKind, PageSeverity> = {
  missedWindow: 'warning',
  gateMissed: 'warning',
  noGo: 'critical',
  rollback: 'critical',
  timebox: 'critical',
  manual: 'critical',
};

/** The severity a page of this kind goes out at, for this checklist. */
export function pageSeverityFor(settings: ChecklistSettings, kind: PageReasonKind): PageSeverity {
  return settings.pageSeverity?.[kind] ?? DEFAULT_PAGE_SEVERITY[kind];
}

/**
 * When deployday pages on-call, from the checklist's state and `now` (pure; the paging service
 * diffs this list with the open pages, triggering what is new and resolving what has cleared):
 * - a section overdue past its grace (default 15 min, `pageGraceMinutes`, per section in
 *   `sectionGraceMinutes`) → `overdue:<section>`, warning; sections that close at the same moment
 *   with the same grace and gate (sharedWindows.closingGroups) share one page,
 *   `overdue:<s0_s1_…>` (every section of the group, settled or not, so the key holds while they
 *   settle one by one; `_` keeps the dedup key readable, see pageEvent.dedupKeyFor), resolved once
 *   none of them is overdue; a section whose open items include a
 *   Go/No-Go gate → `gate_missed:<gate item>`, warning, instead (severities: pageSeverityFor);
 * - a gate voted No-Go → `no_go:<gate item>`, critical, until the run ends;
 * - a rollback declared by command → `rollback`, critical, until the run ends (a No-Go rollback is
 *   already paged as no_go);
 * - a rollback time box run out with its steps still open → `timebox:<item or section>`, critical.
 * Windows that closed before the run started never page. Once a rollback is under way the
 * normal phases no longer page. A run that has ended needs
 * no page at all, so every page resolves when the run ends.
 */
export function desiredPages(input: {
  snapshot: RunSnapshot;
  windows: SectionWindow[];
  states: Map<string, SectionTimelineState>;
  rollbackTimeboxes: RollbackTimebox[];
  now: number;
  /** When each section's overdue nudge was last acknowledged: its page waits a grace period from then. */
  acknowledgedAt?: ReadonlyMap<string, number>;
}): DesiredPage[] {
  const { snapshot, windows, states, now } = input;
  const { run } = snapshot;
  if (run.status !== 'active') return [];
  const title = `run #${run.id} (${plain(run.checklist.title)})`;
  const pages: DesiredPage[] = [];
  const gates = gateStatuses(snapshot);
  const failed = gates.filter((g) => g.outcome === 'failed');

  for (const gate of failed) {
    // Quote the No-Go that failed the gate: a bystander's No-Go is in the votes too, but does not count.
    const noGo = gate.votes.find((v) => v.vote === 'no_go' && holdsAnyRole(snapshot.roles, gate.rule.approvers, v.userId));
    pages.push({
      reason: `no_go:${gate.item.id}`,
      severity: pageSeverityFor(run.checklist.settings, 'noGo'),
      summary: `No-Go on “${plain(gate.item.text)}” in ${title}${noGo?.reason ? `: ${noGo.reason}` : ''}. Rolling back.`,
      sectionId: gate.section.id,
      itemIds: [gate.item.id],
    });
  }

  if (run.rollbackActive) {
    if (failed.length === 0) {
      pages.push({
        reason: 'rollback',
        severity: pageSeverityFor(run.checklist.settings, 'rollback'),
        summary: `Rollback declared on ${title}: ${run.rollbackReason ?? 'no reason given'}`,
        sectionId: null,
        itemIds: [],
      });
    }
    const sections = new Map(allSections(run.checklist).map(({ section }) => [section.id, section]));
    for (const box of input.rollbackTimeboxes) {
      if (box.endsAt > now) continue;
      const section = sections.get(box.sectionId);
      if (!section) continue;
      const items = box.itemId ? itemAndChildren(section, box.itemId) : section.items;
      const open = items.filter((i) => !isSettled(snapshot.items[i.id]));
      if (open.length === 0) continue;
      const what = box.itemId ? plain(items[0]?.text ?? '') : plain(section.title);
      pages.push({
        reason: `timebox:${box.itemId ?? box.sectionId}`,
        severity: pageSeverityFor(run.checklist.settings, 'timebox'),
        summary: `Rollback time box (${box.minutes} min) ran out on “${what}” in ${title}; ${open.length} step${open.length === 1 ? '' : 's'} still open`,
        sectionId: section.id,
        itemIds: open.map((i) => i.id),
      });
    }
    return pages;
  }

  const windowOf = new Map(windows.map((w) => [w.sectionId, w]));
  const settings = run.checklist.settings;
  const groups = closingGroups(run.checklist, windows, pageGraceFor);
  const overdue = new Map<string, Array<{ section: Section; open: Item[]; late: number }>>();
  // A shared page takes the place of its first section, so pages keep the checklist's order.
  const order: Array<DesiredPage | string> = [];
  for (const { phase, section } of allSections(run.checklist)) {
    if (phase.kind === 'rollback' || states.get(section.id) !== 'overdue') continue;
    const closesAt = windowOf.get(section.id)?.closesAt ?? null;
    // A window that had closed before the run started was missed before deployday was watching:
    // the overdue nudges say so, but waking someone up for it would page on every late start.
    if (closesAt === null || missedAtStart({ closesAt }, run.createdAt)) continue;
    const grace = pageGraceFor(settings, section.title);
    if (now < closesAt + grace * 60_000) continue;
    // "Acknowledge" means someone is on it: the page waits the grace period again from then.
    const ack = input.acknowledgedAt?.get(section.id);
    if (ack !== undefined && now < ack + grace * 60_000) continue;
    const open = section.items.filter((i) => !isSettled(snapshot.items[i.id]));
    if (open.length === 0) continue;
    const gate = open.find((i) => i.kind === 'gate');
    const late = Math.round((now - closesAt) / 60_000);
    if (gate) {
      order.push({
        reason: `gate_missed:${gate.id}`,
        severity: pageSeverityFor(settings, 'gateMissed'),
        summary: `Go/No-Go “${plain(gate.text)}” missed in ${title}: “${plain(section.title)}” closed ${late} min ago without a decision`,
        sectionId: section.id,
        itemIds: [gate.id],
      });
      continue;
    }
    const ref = (groups.get(section.id) ?? [section.id]).join('_');
    const group = overdue.get(ref) ?? [];
    if (group.length === 0) order.push(ref);
    group.push({ section, open, late });
    overdue.set(ref, group);
  }
  const severity = pageSeverityFor(settings, 'missedWindow');
  for (const entry of order) pages.push(typeof entry === 'string' ? overduePage(entry, overdue.get(entry) ?? [], title, severity) : entry);
  return pages;
}

/** One page for the overdue sections of a closing group: one section reads as before, several are named one by one. */
function overduePage(
  ref: string,
  parts: Array<{ section: Section; open: Item[]; late: number }>,
  title: string,
  severity: PageSeverity,
): DesiredPage {
  const [first] = parts;
  const itemIds = parts.flatMap((p) => p.open.map((i) => i.id));
  if (parts.length === 1 && first) {
    const { section, open, late } = first;
    return {
      reason: `overdue:${ref}`,
      severity,
      summary: `“${plain(section.title)}” is ${late} min overdue in ${title}: ${open.length} item${open.length === 1 ? '' : 's'} open (first: ${plain(open[0]!.text)})`,
      sectionId: section.id,
      itemIds,
    };
  }
  const named = parts.map((p) => `“${plain(p.section.title)}” (${p.open.length} open)`).join(', ');
  return {
    reason: `overdue:${ref}`,
    severity,
    summary: `${parts.length} sections are ${first?.late ?? 0} min overdue in ${title}: ${named}; ${itemIds.length} items open in all`,
    sectionId: first?.section.id ?? null,
    itemIds,
  };
}

/** Minutes a section may be overdue before it pages: its own (`sectionGraceMinutes`), the checklist's, else 15. */
export function pageGraceFor(settings: ChecklistSettings, sectionTitle: string): number {
  return graceMinutes(settings.sectionGraceMinutes, sectionTitle) ?? settings.pageGraceMinutes ?? DEFAULT_PAGE_GRACE_MINUTES;
}

function graceMinutes(perSection: Record<string, number> | undefined, title: string): number | undefined {
  if (!perSection) return undefined;
  const wanted = title.toLowerCase();
  const key = Object.keys(perSection).find((k) => wanted.includes(k.toLowerCase()));
  return key === undefined ? undefined : perSection[key];
}

function itemAndChildren(section: Section, itemId: string): Item[] {
  const ids = new Set([itemId]);
  return section.items.filter((i) => {
    if (ids.has(i.id) || (i.parentId && ids.has(i.parentId))) {
      ids.add(i.id);
      return true;
    }
    return false;
  });
}

/**
 * Page summaries are plain text: checklist text is markdown in the domain, so its links and
 * emphasis become their words (identifiers such as `db_migrate_v2` keep their underscores). Nothing
 * is unescaped: a `<!channel>` written in the checklist stays those characters, and the Slack notice
 * that quotes the summary escapes it like any other text.
 */
function plain(md: string): string {
  return stripInlineMarkdown(md);
}
