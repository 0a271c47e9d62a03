import type { Item, Section } from './checklist.js';
import type { DomainErrorParams } from './errors.js';
import { blockedSections, gateItemOutcome, gateRuleFor, heldSections } from './gates.js';
import { APPROVER, holdsAnyRole, holdsRole, LEAD, normaliseRole } from './roles.js';
import type { RunSnapshot } from './run.js';
import type { SectionWindow } from './sectionWindow.js';

/** Why someone may not do what they tried: a code for the audit and the values to word it with. */
export interface Refusal {
  code: RefusalCode;
  params: DomainErrorParams;
}

export type RefusalCode =
  | 'held'
  | 'blocked'
  | 'gate'
  | 'not_role_holder'
  | 'not_gate'
  | 'not_approver'
  | 'gate_decided'
  | 'gate_not_open'
  | 'gate_closed'
  | 'not_lead_or_approver'
  | 'not_lead'
  | 'named_role'
  | 'no_run_role';

/** What a person is trying to do on a run, as far as who may do it is concerned. */
export type Attempt =
  /** Tick, untick, or start the timer of an item. */
  | { kind: 'work_item'; item: Item; section: Section; timer?: boolean }
  /** A gate vote, at `now`, in a section whose window (null: none) decides when the gate may be decided. */
  | { kind: 'vote'; item: Item; section: Section; window: SectionWindow | null; now: number }
  /** Waive an undecided gate so the run can finish: whoever may decide the gate, at any time. */
  | { kind: 'waive_gate'; item: Item; section: Section }
  /** Rollback, abort, finish, slip, reschedule: decisions for the lead or an approver. */
  | { kind: 'decide' }
  | { kind: 'change_role'; role: string; admins: readonly string[]; remove?: boolean }
  /** Post a communication template's update to the channel: anyone the run gave a role. */
  | { kind: 'post_update' };

/**
 * The one home of who may do what on a run. Pure: given the run as it stands, it answers with
 * nothing (allowed) or the refusal; the use case audits the refusal and throws it.
 */
export function refusalFor(snapshot: RunSnapshot, userId: string, attempt: Attempt): Refusal | null {
  switch (attempt.kind) {
    case 'work_item': {
      const closed = sectionClosed(snapshot, attempt.section);
      if (closed) return closed;
      if (attempt.timer) return null;
      const { item } = attempt;
      if (item.kind === 'gate') return { code: 'gate', params: {} };
      if (item.kind === 'signoff' && item.role && !holdsRole(snapshot.roles, item.role, userId)) {
        return { code: 'not_role_holder', params: { role: item.role, holders: snapshot.roles[normaliseRole(item.role)] ?? [] } };
      }
      return null;
    }
    case 'vote': {
      const { item, section } = attempt;
      if (item.kind !== 'gate') return { code: 'not_gate', params: {} };
      // A decided gate is locked: a late click from an old copy of the message changes nothing.
      const outcome = gateItemOutcome(snapshot, item);
      if (outcome !== 'pending') return { code: 'gate_decided', params: { outcome } };
      const rule = gateRuleFor(snapshot.run.checklist, section, item);
      if (!holdsAnyRole(snapshot.roles, rule.approvers, userId)) return { code: 'not_approver', params: { approvers: rule.approvers } };
      if (blockedSections(snapshot).ids.has(section.id)) return { code: 'blocked', params: { gateText: null, sectionTitle: null } };
      return gateWindowRefusal(attempt.window, attempt.now, section);
    }
    case 'waive_gate': {
      const rule = gateRuleFor(snapshot.run.checklist, attempt.section, attempt.item);
      if (!holdsAnyRole(snapshot.roles, rule.approvers, userId)) return { code: 'not_approver', params: { approvers: rule.approvers } };
      return null;
    }
    case 'decide':
      if (holdsAnyRole(snapshot.roles, [LEAD, APPROVER], userId)) return null;
      return { code: 'not_lead_or_approver', params: { runId: snapshot.run.id, leads: snapshot.roles[LEAD] ?? [] } };
    case 'change_role':
      return roleChangeRefusal(snapshot, userId, attempt.role, attempt.admins, attempt.remove === true);
    case 'post_update':
      // What the channel (and customers) read in the run's name comes from its own people.
      if (Object.values(snapshot.roles).some((holders) => holders.includes(userId))) return null;
      return { code: 'no_run_role', params: { runId: snapshot.run.id, leads: snapshot.roles[LEAD] ?? [] } };
  }
}

/**
 * Separation of duties: a role the checklist names (front matter `roles:`) is changed only by
 * someone who holds it or by an admin, so a lead cannot swap out the named people and take their
 * roles to pass a two-person gate alone. A named role nobody holds yet (the checklist lists it
 * empty, `sre: []`) is the lead's to fill once: there is nobody to swap out, and one person given
 * every role still counts once toward a quorum. Other roles stay the lead's to give.
 */
function roleChangeRefusal(snapshot: RunSnapshot, userId: string, role: string, admins: readonly string[], remove: boolean): Refusal | null {
  const settings = snapshot.run.checklist.settings;
  if (admins.includes(userId) || (settings.admins ?? []).includes(userId)) return null;
  const wanted = normaliseRole(role);
  const named = Object.keys(settings.roles ?? {}).some((r) => normaliseRole(r) === wanted);
  if (named) {
    const holders = snapshot.roles[wanted] ?? [];
    if (holdsRole(snapshot.roles, wanted, userId)) return null;
    if (!remove && holders.length === 0 && holdsRole(snapshot.roles, LEAD, userId)) return null;
    return { code: 'named_role', params: { role, holders } };
  }
  return holdsRole(snapshot.roles, LEAD, userId) ? null : { code: 'not_lead', params: {} };
}

/**
 * A gate is decided while its section is open: not before the window opens (a Go hours ahead would
 * vouch for work nobody did yet), nor after it closed (the decision was missed; slip the run to
 * reopen it). A section with no window of its own is open for the whole run.
 */
function gateWindowRefusal(window: SectionWindow | null, now: number, section: Section): Refusal | null {
  if (window === null) return null;
  if (window.opensAt !== null && now < window.opensAt) {
    return { code: 'gate_not_open', params: { sectionTitle: section.title, opensAt: window.opensAt } };
  }
  if (window.closesAt !== null && now >= window.closesAt) {
    return { code: 'gate_closed', params: { sectionTitle: section.title, closedAt: window.closesAt } };
  }
  return null;
}

/** Rollback steps before a rollback, and sections behind a gate that has not passed, take no work. */
function sectionClosed(snapshot: RunSnapshot, section: Section): Refusal | null {
  if (heldSections(snapshot).has(section.id)) return { code: 'held', params: {} };
  const blocked = blockedSections(snapshot);
  if (blocked.ids.has(section.id)) {
    return { code: 'blocked', params: { sectionTitle: section.title, gateText: blocked.by?.item.text ?? '' } };
  }
  return null;
}
