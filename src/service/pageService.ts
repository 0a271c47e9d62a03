import type { Logger } from '@slack/bolt';
import { desiredPages, pageSeverityFor, type DesiredPage } from '../domain/escalationRules.js';
import { DomainError } from '../domain/errors.js';
import { isOtherTenant, type Run } from '../domain/run.js';
import { rollbackTimeboxesNow } from '../domain/rollbackSchedule.js';
import { peoplePageDetails } from '../domain/shiftsNow.js';
import { buildUnroutedTrigger, dedupKeyFor } from '../domain/pageEvent.js';
import { appendAudit, latestAuditAt } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { enqueuePage, enqueueResolve, type NewPage } from '../store/outbox.js';
import { channelPageDedupKey, channelPageTrigger } from '../domain/manualPage.js';
import { closeRefusedPage, getPage, listPages, openManualPageSince, openPages, type Page } from '../store/pages.js';
import { isRunSuspended, listActiveRuns, rollbackStartedAt } from '../store/runs.js';
import type { Clock } from './clock.js';
import { foldedOutcome, MANUAL_PAGE_WINDOW_MS, type ManualPageOutcome, type OncallAnswer } from './pageAnswers.js';
export { MANUAL_PAGE_WINDOW_MS };
import type { OncallLookupResult, Pager, PolicyLookupResult } from './pager.js';
import type { RunService } from './runService.js';
import { takeTurns } from './takeTurns.js';
import type { TimelineService } from './timelineService.js';

const MANUAL_PREFIX = 'manual:';
export type { ManualPageOutcome, OncallAnswer } from './pageAnswers.js';

export interface PageServiceDeps {
  db: Db;
  runs: RunService;
  timeline: TimelineService;
  clock: Clock;
  logger: Logger;
  /** Null when PagerDuty is not configured at all; its canPage / canLookUpOncall say what is on. */
  pager: Pager | null;
  /** A link to the run's overview message, for the page. */
  linkToRun: (runId: number) => Promise<string | null>;
  /** New outbox rows are waiting. */
  onQueued: () => void;
  /** PAGERDUTY_ESCALATION_POLICY, for `/deploy oncall` when the checklist (or the channel) names none. */
  defaultEscalationPolicy?: string | null;
}

/**
 * Pages on-call when the checklist's state calls for it, and resolves the page when it no
 * longer does. The rules are pure (domain/escalationRules.ts); this service diffs what they
 * want with what is open and writes triggers and resolves to the durable outbox, which the
 * pager worker sends. Nothing here waits on PagerDuty, so it is safe inside an ack.
 */
export class PageService {
  private readonly inTurn = takeTurns<number>();

  constructor(private readonly deps: PageServiceDeps) {}

  get isEnabled(): boolean {
    return this.deps.pager?.canPage ?? false;
  }

  /**
   * Re-checks one run, after every state change and every poller pass; a failing rule is logged, never
   * thrown. A run's evaluations take turns: interleaved, one acted on a stale reading and paged for a
   * condition another had just seen clear (CI on PostgreSQL: a page and its resolve nothing called for).
   */
  async evaluate(runId: number): Promise<void> {
    await this.inTurn(runId, async () => {
      if (!this.isEnabled || (await isRunSuspended(this.deps.db, runId))) return; // uninstalled: its pages wait for a reinstall
      await this.applyRules(runId).catch((error: unknown) =>
        this.deps.logger.error(`paging rules for run ${runId} failed:`, error instanceof Error ? error.message : error),
      );
    });
  }

  /** Diffs the pages the rules want with the open ones, queuing triggers and resolves. */
  private async applyRules(runId: number): Promise<void> {
    const { runs, timeline, clock, db } = this.deps;
    const snapshot = await runs.snapshot(runId);
    const now = clock.now();
    const windows = await timeline.windows(snapshot.run);
    const started = snapshot.run.rollbackActive ? await rollbackStartedAt(db, runId) : null;
    const wanted = desiredPages({
      snapshot,
      windows,
      states: timeline.sectionStates(snapshot, windows, now),
      rollbackTimeboxes: started === null ? [] : rollbackTimeboxesNow(snapshot, started),
      now,
      acknowledgedAt: await latestAuditAt(db, runId, 'overdue.acknowledge'),
    });
    const wantedKeys = new Map(wanted.map((p) => [dedupKeyFor(runId, p.reason), p]));
    const pages = await listPages(db, runId);
    const open = pages.filter((p) => p.state === 'open');
    // A page PagerDuty refused (400: bad routing key, bad event) would be refused again, and the
    // channel has been told: it is not re-sent while its condition lasts (this runs every second).
    const refused = pages.filter((p) => p.state === 'failed');
    let triggered = 0;
    let resolved = 0;
    for (const [dedupKey, page] of wantedKeys) {
      if (open.some((p) => p.dedupKey === dedupKey) || refused.some((p) => p.dedupKey === dedupKey)) continue;
      if (await this.trigger(snapshot.run, dedupKey, page, now)) triggered += 1;
    }
    for (const page of refused) {
      if (!wantedKeys.has(page.dedupKey)) await closeRefusedPage(db, { dedupKey: page.dedupKey, now });
    }
    for (const page of open) {
      // A page by hand is a person's call: a person resolves it (resolveByHand, or in PagerDuty), never the run ending.
      if (page.reason.startsWith(MANUAL_PREFIX) || wantedKeys.has(page.dedupKey)) continue;
      if (await enqueueResolve(db, { dedupKey: page.dedupKey, now })) {
        resolved += 1;
        await auditPage(db, { runId, at: now, actor: 'deployday' }, 'page.resolve', page.reason, { dedupKey: page.dedupKey });
      }
    }
    if (triggered + resolved > 0) this.deps.onQueued();
  }

  /** Time-based rules (overdue past grace, time boxes) need a look even when nothing was clicked. */
  async evaluateAll(): Promise<void> {
    if (!this.isEnabled) return;
    const runIds = new Set([...(await listActiveRuns(this.deps.db)).map((r) => r.id), ...(await openPages(this.deps.db)).map((p) => p.runId)]);
    for (const runId of runIds) if (runId !== null) await this.evaluate(runId);
  }

  /**
   * `/deploy page <message>`: pages now. With a run, the page stays open until the run ends; without
   * one (any channel: paging needs nothing but a routing key) it pages with the channel as context
   * and stays open until someone resolves it in PagerDuty. Anyone may ask, but while a manual page
   * opened in the last five minutes in this channel (or by this person) is open, the request folds
   * into it rather than opening another incident. Every request is audited, folded or sent.
   */
  async pageByHand(input: { userId: string; channelId: string; run: Run | null; message: string; userName: string }): Promise<ManualPageOutcome> {
    if (!this.isEnabled) throw new DomainError('paging_off');
    const { run } = input;
    if (run && run.channelId !== input.channelId) throw new DomainError('wrong_channel', { runId: run.id });
    if (run && run.status !== 'active') throw new DomainError('page_run_ended', { runId: run.id });
    const { db } = this.deps;
    const now = this.deps.clock.now();
    const channelId = input.channelId;
    const runId = run?.id ?? null;
    const request = { userId: input.userId, channelId, text: input.message };
    const who = { runId, at: now, actor: input.userId };
    const audit = (detail: Record<string, unknown>) => auditPage(db, who, 'page.request', channelId, { message: input.message, ...detail });
    // The check, the page and the audit row in one transaction: two requests cannot both page.
    const outcome = await db.tx(async (): Promise<ManualPageOutcome> => {
      const open = await openManualPageSince(db, { channelId, userId: input.userId, since: now - MANUAL_PAGE_WINDOW_MS });
      if (open) {
        await audit({ outcome: 'folded', into: open.dedupKey });
        return foldedOutcome(open, open.channelId === channelId ? 'channel' : 'you');
      }
      if (run) {
        const reason = `${MANUAL_PREFIX}${now}`;
        const dedupKey = dedupKeyFor(run.id, reason);
        const summary = `Paged from Slack by ${input.userName} on run #${run.id} (${run.checklist.title}): ${input.message}`;
        await this.trigger(
          run,
          dedupKey,
          { reason, severity: pageSeverityFor(run.checklist.settings, 'manual'), summary, sectionId: null, itemIds: [] },
          now,
          input.userId,
          request,
        );
        await audit({ outcome: 'sent', dedupKey });
      } else {
        const dedupKey = channelPageDedupKey(channelId, now);
        if (!(await this.triggerForChannel(dedupKey, input.userId, input.userName, channelId, input.message, now))) {
          // Same channel, same minute, and the store's fold missed it (resolved in between): PagerDuty has it.
          await audit({ outcome: 'folded', into: dedupKey });
          const page = await getPage(db, dedupKey);
          if (page) return foldedOutcome(page, 'channel');
        }
        await audit({ outcome: 'sent', dedupKey });
      }
      return { kind: 'sent', runId, channelId };
    });
    if (outcome.kind === 'sent') this.deps.onQueued();
    return outcome;
  }

  /** "Resolve" on a page-by-hand notice: resolves it in PagerDuty, audited with who clicked. */
  async resolveByHand(input: { userId: string; channelId: string; teamId?: string | null; dedupKey: string }): Promise<void> {
    const { db } = this.deps;
    const page = await getPage(db, input.dedupKey);
    if (!page?.reason.startsWith(MANUAL_PREFIX) || page.channelId !== input.channelId || isOtherTenant(page, input)) {
      throw new DomainError('That page is not one this channel can resolve.', 'unknown_page');
    }
    if (page.state !== 'open') throw new DomainError('That page is already resolved.', 'page_closed');
    const now = this.deps.clock.now();
    await db.tx(async () => {
      if (await enqueueResolve(db, { dedupKey: page.dedupKey, now })) {
        await auditPage(db, { runId: page.runId, at: now, actor: input.userId }, 'page.resolve', page.reason, { dedupKey: page.dedupKey });
      }
    });
    this.deps.onQueued();
  }

  /**
   * `/deploy oncall`: asked of PagerDuty every time (on-call changes hands at shift boundaries). The
   * policy is the checklist's front matter, else PAGERDUTY_ESCALATION_POLICY; the answer says which,
   * so nobody mistakes another team's rota for theirs. Works without a run (the configured policy).
   */
  oncall(run: Run | null): OncallAnswer {
    const fromChecklist = run?.checklist.settings.escalationPolicy ?? null;
    const policy = fromChecklist ?? this.deps.defaultEscalationPolicy ?? null;
    const escalation = (run?.checklist.settings.escalation ?? []).map((l) => l.name);
    const runId = run?.id ?? null;
    const pager = this.deps.pager;
    if (!pager?.canLookUpOncall) return { kind: 'no_token', runId, escalation };
    if (!policy && pager.policyForRoutingKey) {
      const find = pager.policyForRoutingKey.bind(pager);
      const lookup = async (): Promise<{ policy: PolicyLookupResult; oncall: OncallLookupResult | null }> => {
        const found = await find();
        return { policy: found, oncall: found.ok ? await pager.whoIsOnCall(found.policyId) : null };
      };
      return { kind: 'finding', runId, escalation, lookup };
    }
    if (!policy) return { kind: 'no_policy', runId, escalation };
    const source = fromChecklist ? 'checklist' : 'config';
    return { kind: 'asking', runId, policy, source, escalation, lookup: () => pager.whoIsOnCall(policy) };
  }

  async pagesOf(runId: number): Promise<Page[]> {
    return await listPages(this.deps.db, runId);
  }

  private async trigger(
    run: Run,
    dedupKey: string,
    page: DesiredPage,
    now: number,
    actor = 'deployday',
    request?: NewPage['request'],
  ): Promise<boolean> {
    const link = await this.deps.linkToRun(run.id);
    const event = buildUnroutedTrigger({
      dedupKey,
      summary: page.summary,
      source: `deployday run #${run.id} in ${run.channelId}`,
      severity: page.severity,
      component: run.checklistName,
      group: run.checklist.title,
      class: page.reason.split(':')[0]!,
      ...(link ? { links: [{ href: link, text: `Run #${run.id} in Slack` }] } : {}),
      customDetails: {
        run: run.id,
        checklist: run.checklistName,
        reason: page.reason,
        section: page.sectionId,
        items: page.itemIds,
        escalation: (run.checklist.settings.escalation ?? []).map((l) => l.name),
        ...peoplePageDetails(run.checklist.people, now, run.timezone),
      },
    });
    const queued = await enqueuePage(this.deps.db, {
      runId: run.id,
      dedupKey,
      reason: page.reason,
      summary: page.summary,
      payload: event,
      now,
      ...(request ? { request } : {}),
    });
    if (queued) {
      await auditPage(this.deps.db, { runId: run.id, at: now, actor }, 'page.trigger', page.reason, {
        dedupKey,
        severity: page.severity,
        summary: page.summary,
      });
    }
    return queued;
  }

  /** A page by hand in a channel with no run: the channel is its context (source, link, details). */
  private async triggerForChannel(
    dedupKey: string,
    userId: string,
    userName: string,
    channelId: string,
    message: string,
    now: number,
  ): Promise<boolean> {
    const { summary, reason, event } = channelPageTrigger({ dedupKey, userId, userName, channelId, message, now });
    const queued = await enqueuePage(this.deps.db, {
      runId: null,
      dedupKey,
      reason,
      summary,
      payload: event,
      now,
      request: { userId, channelId, text: message },
    });
    if (queued)
      await auditPage(this.deps.db, { runId: null, at: now, actor: userId }, 'page.trigger', reason, { dedupKey, severity: 'critical', summary });
    return queued;
  }
}

/** The audit row of a page asked for, queued or resolved. */
function auditPage(
  db: Db,
  who: { runId: number | null; at: number; actor: string },
  action: 'page.trigger' | 'page.resolve' | 'page.request',
  target: string,
  detail: Record<string, unknown>,
) {
  return appendAudit(db, { ...who, action, target, detail });
}
