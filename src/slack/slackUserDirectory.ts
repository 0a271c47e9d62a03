import type { Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { classifySlackError } from './webClients.js';

/** Why some e-mails were not turned into people, for the reply to say (null: nothing to say). */
export type LookupNote = { kind: 'missing_scope' } | { kind: 'rate_limited'; retryAfterMs: number } | { kind: 'unavailable' } | null;

export interface Resolved {
  /** Lower-cased e-mail → Slack user id, for every e-mail found. */
  found: Map<string, string>;
  /** E-mails Slack answered users_not_found for (or a deactivated member's): shown by name, and said so. */
  unknown: string[];
  note: LookupNote;
}

const FOUND_TTL_MS = 6 * 60 * 60_000;
/** Someone not in the workspace may join during the day: asked again after this long. */
const MISS_TTL_MS = 30 * 60_000;
const MISSING_SCOPE_PAUSE_MS = 10 * 60_000;
/** A command answers within Slack's 3 s: lookups get this long, late answers still fill the cache. */
export const LOOKUP_BUDGET_MS = 1_500;
const MAX_LOOKUPS_PER_ASK = 20;

/**
 * E-mails written in a checklist → Slack users (`users.lookupByEmail`, scope `users:read.email`),
 * cached: found for hours, not found for half an hour. A 429 pauses every lookup until its
 * Retry-After; a missing scope pauses them for ten minutes and is logged once. Never throws: a
 * name that cannot be resolved is shown as text by the caller.
 */
export class SlackUserDirectory {
  private readonly cache = new Map<string, { userId: string | null; until: number }>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private paused: { until: number; note: Exclude<LookupNote, null> } | null = null;
  private scopeLogged = false;

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The user id already known for an e-mail; undefined when not asked yet (or the answer expired). */
  cached(email: string): string | null | undefined {
    const hit = this.cache.get(email.toLowerCase());
    return hit && hit.until > this.now() ? hit.userId : undefined;
  }

  async resolve(emails: readonly string[], budgetMs = LOOKUP_BUDGET_MS): Promise<Resolved> {
    const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
    // Slack allows lookupByEmail about 50 times a minute: a long contacts list is resolved over a few asks.
    const ask = wanted.filter((e) => this.cached(e) === undefined).slice(0, MAX_LOOKUPS_PER_ASK);
    let note: LookupNote = null;
    if (ask.length > 0) {
      if (this.paused && this.paused.until > this.now()) {
        note = this.pauseNote();
      } else {
        const lookups = Promise.all(ask.map((e) => this.lookUp(e)));
        let timer: NodeJS.Timeout | undefined;
        const inTime = await Promise.race([
          lookups.then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), budgetMs);
          }),
        ]);
        if (timer) clearTimeout(timer);
        note = this.paused && this.paused.until > this.now() ? this.pauseNote() : inTime ? null : { kind: 'unavailable' };
      }
    }
    const found = new Map<string, string>();
    const unknown: string[] = [];
    for (const e of wanted) {
      const id = this.cached(e);
      if (id) found.set(e, id);
      else if (id === null) unknown.push(e);
    }
    if (note === null && wanted.some((e) => this.cached(e) === undefined)) note = { kind: 'unavailable' };
    return { found, unknown, note };
  }

  private pauseNote(): Exclude<LookupNote, null> {
    const paused = this.paused!;
    return paused.note.kind === 'rate_limited' ? { kind: 'rate_limited', retryAfterMs: Math.max(0, paused.until - this.now()) } : paused.note;
  }

  private lookUp(email: string): Promise<void> {
    const running = this.inFlight.get(email);
    if (running) return running;
    const call = this.ask(email).finally(() => this.inFlight.delete(email));
    this.inFlight.set(email, call);
    return call;
  }

  private async ask(email: string): Promise<void> {
    try {
      const answer = await this.client.users.lookupByEmail({ email });
      const user = answer.user;
      const usable = typeof user?.id === 'string' && user.deleted !== true;
      this.cache.set(email, { userId: usable ? user.id! : null, until: this.now() + (usable ? FOUND_TTL_MS : MISS_TTL_MS) });
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind === 'rate_limited') {
        this.paused = { until: this.now() + failure.retryAfterMs, note: { kind: 'rate_limited', retryAfterMs: failure.retryAfterMs } };
      } else if (failure.kind === 'rejected' && failure.error === 'users_not_found') {
        this.cache.set(email, { userId: null, until: this.now() + MISS_TTL_MS });
      } else if (failure.kind === 'rejected' && failure.error === 'missing_scope') {
        this.paused = { until: this.now() + MISSING_SCOPE_PAUSE_MS, note: { kind: 'missing_scope' } };
        if (!this.scopeLogged) this.logger.warn('users.lookupByEmail needs the users:read.email scope: names in checklists are shown as text');
        this.scopeLogged = true;
      } else {
        this.logger.warn(`users.lookupByEmail failed (${failure.kind === 'rejected' ? failure.error : failure.detail}); the name is shown as text`);
      }
    }
  }
}
