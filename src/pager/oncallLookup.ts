import type { PagerDutyClient } from './pagerDutyClient.js';

/** One person on call at one escalation level of a policy. */
export interface OncallLevel {
  /** Escalation level, 1 = first paged. */
  level: number;
  userName: string;
  userEmail?: string;
  /** Absent when the person is on the level directly rather than through a schedule. */
  scheduleName?: string;
  /** When this on-call shift ends, epoch ms UTC; absent for a permanent assignment. */
  until?: number;
}

export type OncallLookupResult = { ok: true; levels: OncallLevel[] } | { ok: false; error: string };

/**
 * Who is on call for a policy, for `/deploy oncall`. Never throws: a failed lookup is
 * something to tell the person who asked, not an unexpected error. Asked every time, since
 * on-call changes hands at shift boundaries and a stale answer pages the wrong person.
 */
export async function lookupOncall(client: PagerDutyClient, escalationPolicyId: string): Promise<OncallLookupResult> {
  try {
    return { ok: true, levels: await client.listOncalls(escalationPolicyId) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Reads a REST `GET /oncalls` body (`{oncalls: [{escalation_level, user: {summary, email},
 * schedule: {summary} | null, end}]}`) into levels sorted by escalation level, then name.
 * Entries without a level or a user are skipped rather than failing the whole answer.
 */
export function toOncallLevels(body: unknown): OncallLevel[] {
  const list = isRecord(body) && Array.isArray(body.oncalls) ? body.oncalls : [];
  const levels: OncallLevel[] = [];
  for (const entry of list as unknown[]) {
    if (!isRecord(entry) || typeof entry.escalation_level !== 'number' || !isRecord(entry.user)) continue;
    const user = entry.user;
    const userName = typeof user.summary === 'string' ? user.summary : typeof user.name === 'string' ? user.name : null;
    if (userName === null) continue;
    const level: OncallLevel = { level: entry.escalation_level, userName };
    if (typeof user.email === 'string') level.userEmail = user.email;
    if (isRecord(entry.schedule) && typeof entry.schedule.summary === 'string') level.scheduleName = entry.schedule.summary;
    if (typeof entry.end === 'string') {
      const end = Date.parse(entry.end);
      if (!Number.isNaN(end)) level.until = end;
    }
    levels.push(level);
  }
  return levels.sort((a, b) => a.level - b.level || a.userName.localeCompare(b.userName));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
