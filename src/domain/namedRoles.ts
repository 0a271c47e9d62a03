import { allSections, type Checklist } from './checklist.js';
import { gateRuleFor } from './gates.js';
import { normaliseRole } from './roles.js';
import type { RunSnapshot } from './run.js';

/**
 * Every role a checklist relies on: those its front matter lists under `roles:`, those its gates
 * wait on (their `approvers`, or the approver role by default) and those its sign-offs name. In
 * file order, each once, normalised.
 */
export function namedRoles(checklist: Checklist): string[] {
  const roles: string[] = Object.keys(checklist.settings.roles ?? {}).map(normaliseRole);
  for (const { phase, section } of allSections(checklist)) {
    for (const item of section.items) {
      if (item.kind === 'gate' && phase.kind !== 'rollback') roles.push(...gateRuleFor(checklist, section, item).approvers);
      if (item.kind === 'signoff' && item.role) roles.push(normaliseRole(item.role));
    }
  }
  return [...new Set(roles)];
}

/** The roles a run's checklist relies on that nobody holds yet: what the lead must hand out before they are needed. */
export function rolesNobodyHolds(snapshot: RunSnapshot): string[] {
  return namedRoles(snapshot.run.checklist).filter((role) => (snapshot.roles[role] ?? []).length === 0);
}
