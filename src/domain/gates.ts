import { allSections, type Checklist, type GateSettings, type Item, type Section } from './checklist.js';
import { stripInlineMarkdown } from './markdownText.js';
import { APPROVER, normaliseRole } from './roles.js';
import type { GateVote, RunSnapshot } from './run.js';
import { isSettled } from './snapshotItems.js';

export type GateOutcome = 'pending' | 'passed' | 'failed';

export interface GateRule {
  approvers: string[];
  quorum: 'one' | 'all' | number;
}

/** The front-matter gate setting that applies to an item, matched on the item's or its section's title. */
export function gateRuleFor(checklist: Checklist, section: Section, item: Item): GateRule {
  const settings: GateSettings | undefined = (checklist.settings.gates ?? []).find((g) => {
    const needle = g.match.toLowerCase();
    // Matched on the plain words: checklist text is markdown, and `**Go/No-Go**` should match "go/no-go".
    return stripInlineMarkdown(item.text).toLowerCase().includes(needle) || stripInlineMarkdown(section.title).toLowerCase().includes(needle);
  });
  // Without named approvers only the approver role decides: the lead decides only when the checklist says so.
  return {
    approvers: (settings?.approvers ?? [APPROVER]).map(normaliseRole),
    quorum: settings?.quorum ?? 'one',
  };
}

/** The standing vote of each person on a gate: a later vote replaces an earlier one. */
export function standingVotes(votes: GateVote[], itemId: string): GateVote[] {
  const latest = new Map<string, GateVote>();
  for (const vote of votes) if (vote.itemId === itemId) latest.set(vote.userId, vote);
  return [...latest.values()];
}

/**
 * A gate fails on any standing No-Go from an approver (one No-Go is enough to stop a deploy),
 * and passes once enough approvers say Go: one, all who hold an approver role, or N.
 * One vote is one person: whoever holds several approver roles counts once, so with quorum `all`
 * every role somebody holds needs a Go from a different person (one person given every role
 * cannot pass a two-person gate alone). With quorum `all` every role the gate names must also be
 * held: a role nobody was given yet is a missing key, not one fewer to ask.
 */
export function gateOutcome(rule: GateRule, votes: GateVote[], roles: Record<string, string[]>): GateOutcome {
  const approverIds = new Set(rule.approvers.flatMap((role) => roles[role] ?? []));
  const counted = votes.filter((v) => approverIds.has(v.userId));
  if (counted.some((v) => v.vote === 'no_go')) return 'failed';
  const goers = new Set(counted.filter((v) => v.vote === 'go').map((v) => v.userId));
  if (rule.quorum === 'all') {
    const everyHolder = goers.size >= Math.max(1, approverIds.size);
    if (unfilledRoles(rule, roles).length > 0) return 'pending';
    return everyHolder && rolesCoveredByDistinctPeople(rule.approvers, roles, goers) ? 'passed' : 'pending';
  }
  const required = rule.quorum === 'one' ? 1 : rule.quorum;
  return goers.size >= required ? 'passed' : 'pending';
}

/**
 * Whether each approver role that somebody holds can be given its own Go voter, no voter used
 * twice (a bipartite matching; gates have a handful of roles, so simple augmenting paths do).
 */
function rolesCoveredByDistinctPeople(approverRoles: string[], roles: Record<string, string[]>, goers: Set<string>): boolean {
  const held = [...new Set(approverRoles)].filter((role) => (roles[role] ?? []).length > 0);
  const roleOf = new Map<string, string>();
  const assign = (role: string, seen: Set<string>): boolean => {
    for (const user of roles[role] ?? []) {
      if (!goers.has(user) || seen.has(user)) continue;
      seen.add(user);
      const other = roleOf.get(user);
      if (other === undefined || assign(other, seen)) {
        roleOf.set(user, role);
        return true;
      }
    }
    return false;
  };
  return held.every((role) => assign(role, new Set()));
}

export interface GateStatus {
  item: Item;
  section: Section;
  rule: GateRule;
  outcome: GateOutcome;
  votes: GateVote[];
}

/** Every gate of the run's normal flow, in file order, with its outcome. */
export function gateStatuses(snapshot: RunSnapshot): GateStatus[] {
  const { checklist } = snapshot.run;
  const out: GateStatus[] = [];
  for (const { phase, section } of allSections(checklist)) {
    if (phase.kind === 'rollback') continue;
    for (const item of section.items) {
      if (item.kind !== 'gate') continue;
      const rule = gateRuleFor(checklist, section, item);
      const votes = standingVotes(snapshot.votes, item.id);
      out.push({ item, section, rule, outcome: gateOutcome(rule, votes, snapshot.roles), votes });
    }
  }
  return out;
}

/** Gates of the normal flow neither passed, failed nor waived: what a finish must not skip over. */
export function undecidedGates(snapshot: RunSnapshot): GateStatus[] {
  return gateStatuses(snapshot).filter((g) => g.outcome === 'pending' && !isSettled(snapshot.items[g.item.id]));
}

/**
 * Sections after the first gate that has not passed are blocked until it passes.
 * Rollback sections are never blocked by a gate: they are held until a rollback instead.
 */
export function blockedSections(snapshot: RunSnapshot): { ids: Set<string>; by: GateStatus | null } {
  const gates = gateStatuses(snapshot);
  const firstOpen = gates.find((g) => g.outcome !== 'passed') ?? null;
  const ids = new Set<string>();
  if (!firstOpen) return { ids, by: null };
  let after = false;
  for (const { phase, section } of allSections(snapshot.run.checklist)) {
    if (after && phase.kind !== 'rollback') ids.add(section.id);
    if (section.id === firstOpen.section.id) after = true;
  }
  return { ids, by: firstOpen };
}

/** Rollback sections are held back until the run switches to its rollback branch. */
export function heldSections(snapshot: RunSnapshot): Set<string> {
  if (snapshot.run.rollbackActive) return new Set();
  return new Set(snapshot.run.checklist.phases.filter((p) => p.kind === 'rollback').flatMap((p) => p.sections.map((s) => s.id)));
}

/**
 * A gate item's outcome as the run shows it. Passed once the run marked the item done (the run
 * service does so when the quorum is met; a gate written `[x]` starts passed); otherwise as its
 * standing votes say under its rule. Rollback gates are read the same way.
 */
export function gateItemOutcome(snapshot: RunSnapshot, item: Item): GateOutcome {
  if (snapshot.items[item.id]?.done ?? item.initiallyDone) return 'passed';
  const { checklist } = snapshot.run;
  const section = allSections(checklist).find(({ section: s }) => s.items.some((i) => i.id === item.id))?.section;
  if (section === undefined) return 'pending';
  return gateOutcome(gateRuleFor(checklist, section, item), standingVotes(snapshot.votes, item.id), snapshot.roles);
}

/** The approver roles of a gate that nobody holds yet. */
export function unfilledRoles(rule: GateRule, roles: Record<string, string[]>): string[] {
  return [...new Set(rule.approvers)].filter((role) => (roles[role] ?? []).length === 0);
}

/** Who a pending gate still waits on: people who may still say Go, roles nobody holds, and how many more Go votes it takes. */
export interface GateNeeds {
  /** Approvers who have not said Go (for quorum `all`, each of them must). */
  people: string[];
  /** Approver roles nobody holds: someone must be given the role first. */
  unfilledRoles: string[];
  /** How many more Go votes pass the gate; for quorum `all`, one per person and role still missing. */
  moreGo: number;
  quorum: GateRule['quorum'];
}

export function gateNeeds(rule: GateRule, votes: GateVote[], roles: Record<string, string[]>): GateNeeds {
  const approverIds = [...new Set(rule.approvers.flatMap((role) => roles[role] ?? []))];
  const goers = new Set(votes.filter((v) => v.vote === 'go' && approverIds.includes(v.userId)).map((v) => v.userId));
  const people = approverIds.filter((id) => !goers.has(id));
  const unfilled = unfilledRoles(rule, roles);
  const moreGo =
    rule.quorum === 'all'
      ? Math.max(people.length + unfilled.length, 1 - goers.size)
      : Math.max(0, (rule.quorum === 'one' ? 1 : rule.quorum) - goers.size);
  return { people, unfilledRoles: unfilled, moreGo, quorum: rule.quorum };
}

/** Items of a gate's section that are not done or waived yet, the section's gates left out: what a Go now would leave behind. */
export function openItemsBeforeGo(snapshot: RunSnapshot, section: Section): Item[] {
  return section.items.filter((i) => i.kind !== 'gate' && !isSettled(snapshot.items[i.id]));
}

/** Sections a gate's passing let through: blocked before, not blocked after (rollback sections never count). */
export function unlockedSections(before: RunSnapshot, after: RunSnapshot): Section[] {
  const was = blockedSections(before).ids;
  const still = blockedSections(after).ids;
  return allSections(after.run.checklist)
    .filter(({ phase, section }) => phase.kind !== 'rollback' && was.has(section.id) && !still.has(section.id))
    .map(({ section }) => section);
}

/** What a gate item of the run still waits on, under its rule and the run's roles now. */
export function gateItemNeeds(snapshot: RunSnapshot, item: Item): GateNeeds | null {
  const { checklist } = snapshot.run;
  const section = allSections(checklist).find(({ section: s }) => s.items.some((i) => i.id === item.id))?.section;
  if (section === undefined) return null;
  return gateNeeds(gateRuleFor(checklist, section, item), standingVotes(snapshot.votes, item.id), snapshot.roles);
}
