import type { Item, Section } from './checklist.js';
import type { DomainErrorParams } from './errors.js';
import { blockedSections, gateOutcome, gateRuleFor, heldSections, standingVotes } from './gates.js';
import { APPROVER, holdsAnyRole, holdsRole, LEAD, normaliseRole } from './roles.js';
import type { RunSnapshot } from './run.js';

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
  | 'not_lead_or_approver'
  | 'not_lead'
  | 'named_role'
  | 'no_run_role';

/** What a person is trying to do on a run, as far as who may do it is concerned. */
export type Attempt =
  /** Tick, untick, or start the timer of an item. */
  | { kind: 'work_item'; item: Item; section: Section; timer?: boolean }
  | { kind: 'vote'; item: Item; section: Section }
  /** Waive an undecided gate so the run can finish: whoever may decide the gate, at any time. */
  | { kind: 'waive_gate'; item: Item; section: Section }
  /** Rollback, abort, finish, slip, reschedule: decisions for the lead or an approver. */
  | { kind: 'decide' }
  | { kind: 'change_role'; role: string; admins: readonly string[] }
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
      const rule = gateRuleFor(snapshot.run.checklist, section, item);
      if (!holdsAnyRole(snapshot.roles, rule.approvers, userId)) return { code: 'not_approver', params: { approvers: rule.approvers } };
      const outcome = gateOutcome(rule, standingVotes(snapshot.votes, item.id), snapshot.roles);
      if (outcome !== 'pending') return { code: 'gate_decided', params: { outcome } };
      if (blockedSections(snapshot).ids.has(section.id)) return { code: 'blocked', params: { gateText: null, sectionTitle: null } };
      return null;
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
      return roleChangeRefusal(snapshot, userId, attempt.role, attempt.admins);
    case 'post_update':
      // What the channel (and customers) read in the run's name comes from its own people.
      if (Object.values(snapshot.roles).some((holders) => holders.includes(userId))) return null;
      return { code: 'no_run_role', params: { runId: snapshot.run.id, leads: snapshot.roles[LEAD] ?? [] } };
  }
}

/**
 * Separation of duties: a role the checklist names (front matter `roles:`) is changed only by
 * someone who holds it or by an admin, so a lead cannot swap out the named people and take their
 * roles to pass a two-person gate alone. Other roles stay the lead's to give.
 */
function roleChangeRefusal(snapshot: RunSnapshot, userId: string, role: string, admins: readonly string[]): Refusal | null {
  const settings = snapshot.run.checklist.settings;
  if (admins.includes(userId) || (settings.admins ?? []).includes(userId)) return null;
  const wanted = normaliseRole(role);
  const named = Object.keys(settings.roles ?? {}).some((r) => normaliseRole(r) === wanted);
  if (named) {
    return holdsRole(snapshot.roles, wanted, userId) ? null : { code: 'named_role', params: { role, holders: snapshot.roles[wanted] ?? [] } };
  }
  return holdsRole(snapshot.roles, LEAD, userId) ? null : { code: 'not_lead', params: {} };
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
