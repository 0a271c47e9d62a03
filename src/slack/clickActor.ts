import type { BlockAction } from '@slack/bolt';
import { DomainError } from '../domain/errors.js';

/** Where the click came from, checked against the run it names. */
export function actorOf(body: BlockAction): { userId: string; channelId: string; teamId: string | null } {
  const channelId = body.channel?.id ?? body.container?.channel_id;
  if (typeof body.user?.id !== 'string' || typeof channelId !== 'string') {
    throw new DomainError('bad_payload', { text: 'That click came without a user or channel, so I ignored it.' });
  }
  return { userId: body.user.id, channelId, teamId: teamOf(body) };
}

/** The workspace a request came from: the payload's team, else the user's (org-wide installs). */
export function teamOf(body: unknown): string | null {
  const b = body as { team?: { id?: unknown } | null; user?: { team_id?: unknown } };
  const id = b.team?.id ?? b.user?.team_id;
  return typeof id === 'string' && id !== '' ? id : null;
}
