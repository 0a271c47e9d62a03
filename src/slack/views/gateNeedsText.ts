import type { GateNeeds } from '../../domain/gates.js';
import { escapeMrkdwn } from './checklistMrkdwn.js';
import { mention } from './noticeText.js';

const PEOPLE_SHOWN = 5;

/**
 * Who a pending gate still waits on, for the line under its votes: people by mention, and roles
 * nobody holds with the command that fills them (a gate must never wait on someone unnamed).
 */
export function stillNeededText(needs: GateNeeds): string {
  const people =
    needs.people.slice(0, PEOPLE_SHOWN).map(mention).join(', ') +
    (needs.people.length > PEOPLE_SHOWN ? ` +${needs.people.length - PEOPLE_SHOWN} more` : '');
  const roles = needs.unfilledRoles.map((role) => `nobody holds *${escapeMrkdwn(role)}* yet (\`/deploy role ${escapeMrkdwn(role)} @person\`)`);
  if (needs.quorum === 'all') {
    const parts = [...(needs.people.length > 0 ? [`a Go from ${people}`] : []), ...roles];
    return `⏳ *Still needed:* ${parts.length > 0 ? parts.join('; ') : 'a Go from an approver'}`;
  }
  const more = `${needs.moreGo} more Go${needs.moreGo === 1 ? '' : 's'}`;
  if (needs.people.length > 0) return `⏳ *Still needed:* ${more}, from ${people}`;
  return `⏳ *Still needed:* ${more}; ${roles.length > 0 ? roles.join('; ') : 'nobody can vote yet'}`;
}
