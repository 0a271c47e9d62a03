import type { ApiToken } from '../../service/apiTokens.js';
import { escapeMrkdwn } from './checklistMrkdwn.js';
import { slackDate } from './slackDate.js';

function scope(token: ApiToken): string {
  return token.checklistName === null ? 'any checklist in this channel' : `runs of \`${escapeMrkdwn(token.checklistName)}\` in this channel`;
}

/** Shown once, ephemerally: only a hash of the secret is kept. */
export function tokenCreatedText(token: ApiToken, secret: string): string {
  return [
    `Created pipeline token \`ci:${token.name}\` for ${scope(token)}. Copy it now: it is not shown again and only a hash is stored.`,
    `\`\`\`${secret}\`\`\``,
    'Keep it in your CI secrets and send it as `Authorization: Bearer <token>` (docs/api.md). Revoke it with `/deploy token revoke ' +
      token.name +
      '`.',
  ].join('\n');
}

export function tokenListText(tokens: ApiToken[]): string {
  if (tokens.length === 0) return 'This channel has no pipeline tokens. Create one with `/deploy token create <name> [checklist]`.';
  const lines = tokens.map((t) => `• \`ci:${t.name}\` — ${scope(t)}, created by <@${t.createdBy}> ${slackDate(t.createdAt, '{date_short_pretty}')}`);
  return `*Pipeline tokens in this channel*\n${lines.join('\n')}`;
}
