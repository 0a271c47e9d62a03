import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { LEAD, normaliseRole } from '../domain/roles.js';
import { appendAudit } from '../store/audit.js';
import { findLiveApiToken, insertApiToken, listLiveApiTokens, revokeApiToken, type ApiTokenRow } from '../store/apiTokens.js';
import { refuse } from './runGuard.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

export type ApiToken = ApiTokenRow;

export const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/** The actor a token's calls are audited as. */
export function tokenActor(token: Pick<ApiToken, 'name'>): string {
  return `ci:${token.name}`;
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * `/deploy token create|list|revoke`: bearer tokens for the pipeline API. The secret is shown once
 * and only its SHA-256 is kept (a leaked database does not leak a working token; the tokens are
 * 256 random bits, so a plain hash is enough). Only the lead mints and revokes.
 */
export class ApiTokens {
  constructor(private readonly deps: UseCaseDeps) {}

  async create(input: Actor & { name: string; checklistName: string | null }): Promise<{ token: ApiToken; secret: string }> {
    const { db, clock, catalog } = this.deps;
    await this.requireLead(input, 'token.create', input.checklistName);
    if (!TOKEN_NAME.test(input.name)) throw new DomainError('bad_token_name', { name: input.name });
    // Fails with the catalog's own "no such checklist" when the name is wrong.
    if (input.checklistName !== null) catalog.get(input.checklistName);
    const secret = `ddt_${randomBytes(32).toString('base64url')}`;
    const now = clock.now();
    const id = await db.tx(async () => {
      const inserted = await insertApiToken(db, {
        name: input.name,
        hash: hashToken(secret),
        channelId: input.channelId,
        teamId: input.teamId ?? null,
        checklistName: input.checklistName,
        createdBy: input.userId,
        now,
      });
      if (inserted === null) return null;
      await appendAudit(db, {
        runId: null,
        at: now,
        actor: input.userId,
        action: 'token.create',
        target: `ci:${input.name}`,
        detail: { channel: input.channelId, checklist: input.checklistName },
      });
      return inserted;
    });
    if (id === null) throw new DomainError('token_exists', { name: input.name });
    return {
      token: {
        id,
        name: input.name,
        channelId: input.channelId,
        teamId: input.teamId ?? null,
        checklistName: input.checklistName,
        createdBy: input.userId,
        createdAt: now,
      },
      secret,
    };
  }

  async list(input: Actor): Promise<ApiToken[]> {
    return await listLiveApiTokens(this.deps.db, input.channelId);
  }

  async revoke(input: Actor & { name: string }): Promise<void> {
    const { db, clock } = this.deps;
    await this.requireLead(input, 'token.revoke', null);
    const now = clock.now();
    const done = await db.tx(async () => {
      if (!(await revokeApiToken(db, input.channelId, input.name, input.userId, now))) return false;
      await appendAudit(db, {
        runId: null,
        at: now,
        actor: input.userId,
        action: 'token.revoke',
        target: `ci:${input.name}`,
        detail: { channel: input.channelId },
      });
      return true;
    });
    if (!done) throw new DomainError('unknown_token', { name: input.name });
  }

  /** The live token a bearer secret names, or null (unknown or revoked: the API answers 401 alike). */
  async authenticate(secret: string): Promise<ApiToken | null> {
    if (!secret.startsWith('ddt_') || secret.length > 100) return null;
    return await findLiveApiToken(this.deps.db, hashToken(secret));
  }

  /**
   * The lead of an active run in this channel, a front-matter lead or admin of the checklist the
   * token is for, or a DEPLOYDAY_ADMINS member. Anyone else is refused and audited.
   */
  private async requireLead(input: Actor, attempted: string, checklistName: string | null): Promise<void> {
    const { queries, admins, catalog } = this.deps;
    if (admins.includes(input.userId)) return;
    for (const s of await queries.recentRuns(input.channelId)) {
      if (s.run.status === 'active' && ((await queries.snapshot(s.run.id)).roles[LEAD] ?? []).includes(input.userId)) return;
    }
    if (checklistName !== null) {
      const entry = catalog.list().find((e) => e.checklist?.name === checklistName)?.checklist;
      const settings = entry?.settings;
      const leads = Object.entries(settings?.roles ?? {})
        .filter(([role]) => normaliseRole(role) === LEAD)
        .flatMap(([, ids]) => ids);
      if (settings && [...(settings.admins ?? []), ...leads].includes(input.userId)) return;
    }
    return await refuse(this.deps, null, input.userId, attempted, `channel:${input.channelId}`, { code: 'token_not_lead', params: {} });
  }
}
