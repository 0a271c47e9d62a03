import { escapeMrkdwn } from './checklistMrkdwn.js';

/**
 * The start reply's line about roles nobody holds yet, with the command that fills them; empty
 * when every role the checklist relies on has someone.
 */
export function unfilledRolesText(roles: string[]): string {
  if (roles.length === 0) return '';
  const names = roles.map((r) => `*${escapeMrkdwn(r)}*`).join(', ');
  const example = escapeMrkdwn(roles[0]!);
  return `\nRoles this checklist relies on that nobody holds yet: ${names}. Give each to someone with \`/deploy role <role> @person\` (e.g. \`/deploy role ${example} @person\`); gates and sign-offs wait on them.`;
}
