/** Role names compare case- and space-insensitively: "DevOps Lead" is "devops lead". */
export function normaliseRole(role: string): string {
  const name = role.trim().replace(/\s+/g, ' ').toLowerCase();
  return ALIASES[name] ?? name;
}

/** Front matter and people write these either way; each pair is one role. */
const ALIASES: Record<string, string> = {
  approvers: 'approver',
  leads: 'lead',
  oncall: 'on-call',
  'on call': 'on-call',
};

/** Roles every run has. The person who starts a run is its lead unless the checklist names one. */
export const LEAD = 'lead';
export const APPROVER = 'approver';
export const ONCALL = 'on-call';

export function holdsRole(roles: Record<string, string[]>, role: string, userId: string): boolean {
  return (roles[normaliseRole(role)] ?? []).includes(userId);
}

export function holdsAnyRole(roles: Record<string, string[]>, wanted: string[], userId: string): boolean {
  return wanted.some((role) => holdsRole(roles, role, userId));
}
