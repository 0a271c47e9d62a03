import type { Logger } from '@slack/bolt';
import { desiredPages, pageSeverityFor, type DesiredPage } from '../domain/escalationRules.js';
import { DomainError } from '../domain/errors.js';
import { escapeMrkdwn } from '../slack/views/checklistMrkdwn.js';
import type { Run, RunSnapshot } from '../domain/run.js';
import { computeRollbackTimeboxes, type RollbackTimebox } from '../domain/schedule.js';
import { buildUnroutedTrigger, dedupKeyFor } from '../domain/pageEvent.js';
import { appendAudit, latestAuditAt } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { enqueuePage, enqueueResolve, type NewPage } from '../store/outbox.js';
import { closeRefusedPage, getPage, listPages, openManualPageSince, openPages, type Page } from '../store/pages.js';
import { listActiveRuns, rollbackStartedAt } from '../store/runs.js';
import type { Clock } from './clock.js';
import type { Pager } from './pager.js';
import type { RunService } from './runService.js';
import type { TimelineService } from './timelineService.js';

const MANUAL_PREFIX = 'manual:';
/** Manual paging stays open to everyone, but one page per channel and per person in this window (issue 16). */
export const MANUAL_PAGE_WINDOW_MS = 5 * 60_000;

export interface PageServiceDeps {
  db: Db;
  runs: RunService;
  timeline: TimelineService;
  clock: Clock;
  logger: Logger;
  /** Null when PagerDuty is not configured at all; its canPage / canLookUpOncall say what is on. */
  pager: Pager | null;
  /** A link to the run's overview message, for the page. */
  linkToRun: (runId: number) => string | null;
  /** New outbox rows are waiting. */
  onQueued: () => void;
}

/**
 * Pages on-call when the checklist's state calls for it, and resolves the page when it no
 * longer does. The rules are pure (domain/escalationRules.ts); this service diffs what they
 * want with what is open and writes triggers and resolves to the durable outbox, which the
 * pager worker sends. Nothing here waits on PagerDuty, so it is safe inside an ack.
 */
export class PageService {
  constructor(private readonly deps: PageServiceDeps) {}

  get isEnabled(): boolean {
    return this.deps.pager?.canPage ?? false;
  }

  /**
   * Re-checks one run. Called after every state change (inside a click's handling) and every
   * poller pass, so a failing rule is logged, never thrown into the click or the poller.
   */
  evaluate(runId: number): void {
    if (!this.isEnabled) return;
    try {
      this.applyRules(runId);
    } catch (error) {
      this.deps.logger.error(`paging rules for run ${runId} failed:`, error instanceof Error ? error.message : error);
    }
  }

  /** Diffs the pages the rules want with the open ones, queuing triggers and resolves. */
  private applyRules(runId: number): void {
    const { runs, timeline, clock, db } = this.deps;
    const snapshot = runs.snapshot(runId);
    const now = clock.now();
    const windows = timeline.windows(snapshot.run);
    const started = snapshot.run.rollbackActive ? rollbackStartedAt(db, runId) : null;
    const wanted = desiredPages({
      snapshot,
      windows,
      states: timeline.sectionStates(snapshot, windows, now),
      rollbackTimeboxes: started === null ? [] : rollbackTimeboxesNow(snapshot, started),
      now,
      acknowledgedAt: latestAuditAt(db, runId, 'overdue.acknowledge'),
    });
    const wantedKeys = new Map(wanted.map((p) => [dedupKeyFor(runId, p.reason), p]));
    const pages = listPages(db, runId);
    const open = pages.filter((p) => p.state === 'open');
    // A page PagerDuty refused (400: bad routing key, bad event) would be refused again, and the
    // channel has been told: it is not re-sent while its condition lasts (this runs every second).
    const refused = pages.filter((p) => p.state === 'failed');
    let triggered = 0;
    let resolved = 0;
    for (const [dedupKey, page] of wantedKeys) {
      if (open.some((p) => p.dedupKey === dedupKey) || refused.some((p) => p.dedupKey === dedupKey)) continue;
      if (this.trigger(snapshot.run, dedupKey, page, now)) triggered += 1;
    }
    for (const page of refused) {
      if (!wantedKeys.has(page.dedupKey)) closeRefusedPage(db, { dedupKey: page.dedupKey, now });
    }
    for (const page of open) {
      // A page by hand is a person's call: a person resolves it (resolveByHand, or in PagerDuty), never the run ending.
      if (page.reason.startsWith(MANUAL_PREFIX) || wantedKeys.has(page.dedupKey)) continue;
      if (enqueueResolve(db, { dedupKey: page.dedupKey, now })) {
        resolved += 1;
        appendAudit(db, { runId, at: now, actor: 'deployday', action: 'page.resolve', target: page.reason, detail: { dedupKey: page.dedupKey } });
      }
    }
    if (triggered + resolved > 0) this.deps.onQueued();
  }

  /** Time-based rules (overdue past grace, time boxes) need a look even when nothing was clicked. */
  evaluateAll(): void {
    if (!this.isEnabled) return;
    const runIds = new Set([...listActiveRuns(this.deps.db).map((r) => r.id), ...openPages(this.deps.db).map((p) => p.runId)]);
    for (const runId of runIds) if (runId !== null) this.evaluate(runId);
  }

  /**
   * `/deploy page <message>`: pages now; the page stays open until the run ends. Anyone may ask,
   * but while a manual page opened in the last five minutes in this channel (or by this person)
   * is open, the request folds into it rather than opening another incident. Every request is
   * audited, folded or sent.
   */
  pageByHand(input: { userId: string; channelId: string; runId: number; message: string; userName: string }): string {
    if (!this.isEnabled) {
      return 'Paging is off: set PAGERDUTY_ROUTING_KEY to the integration key of a PagerDuty Events API v2 integration and restart deployday. Until then, call the on-call engineer directly.';
    }
    const run = this.deps.runs.requireRun(input.runId);
    if (run.channelId !== input.channelId) throw new DomainError(`Run #${run.id} belongs to another channel.`, 'wrong_channel');
    if (run.status !== 'active') throw new DomainError(`Run #${run.id} has ended; page PagerDuty directly if you still need someone.`, 'run_ended');
    const { db } = this.deps;
    const now = this.deps.clock.now();
    const request = { userId: input.userId, channelId: run.channelId, text: input.message };
    const audit = (detail: Record<string, unknown>): void => void
      appendAudit(db, { runId: run.id, at: now, actor: input.userId, action: 'page.request', target: run.channelId, detail: { message: input.message, ...detail } });
    // The check, the page and the audit row in one transaction: two requests cannot both page.
    const folded = db.transaction((): string | null => {
      const open = openManualPageSince(db, { channelId: run.channelId, userId: input.userId, since: now - MANUAL_PAGE_WINDOW_MS });
      if (open) {
        audit({ outcome: 'folded', into: open.dedupKey });
        return foldedReply(open, open.channelId === run.channelId ? 'this channel' : 'you');
      }
      const reason = `${MANUAL_PREFIX}${now}`;
      const dedupKey = dedupKeyFor(run.id, reason);
      const summary = `Paged from Slack by ${input.userName} on run #${run.id} (${run.checklist.title}): ${input.message}`;
      this.trigger(run, dedupKey, { reason, severity: pageSeverityFor(run.checklist.settings, 'manual'), summary, sectionId: null, itemIds: [] }, now, input.userId, request);
      audit({ outcome: 'sent', dedupKey });
      return null;
    }).immediate();
    if (folded !== null) return folded;
    this.deps.onQueued();
    return `Paging on-call for run #${run.id} now. The channel will see when PagerDuty has it, and when it resolves.`;
  }

  /** "Resolve" on a page-by-hand notice: resolves it in PagerDuty, audited with who clicked. */
  resolveByHand(input: { userId: string; channelId: string; dedupKey: string }): void {
    const { db } = this.deps;
    const page = getPage(db, input.dedupKey);
    if (!page || !page.reason.startsWith(MANUAL_PREFIX) || page.channelId !== input.channelId) {
      throw new DomainError('That page is not one this channel can resolve.', 'unknown_page');
    }
    if (page.state !== 'open') throw new DomainError('That page is already resolved.', 'page_closed');
    const now = this.deps.clock.now();
    db.transaction(() => {
      if (enqueueResolve(db, { dedupKey: page.dedupKey, now })) {
        appendAudit(db, { runId: page.runId, at: now, actor: input.userId, action: 'page.resolve', target: page.reason, detail: { dedupKey: page.dedupKey } });
      }
    })();
    this.deps.onQueued();
  }

  /** `/deploy oncall`: asked of PagerDuty every time (on-call changes hands at shift boundaries). */
  oncallReply(run: Run): { text: string; after?: () => Promise<string | null> } {
    const policy = run.checklist.settings.escalationPolicy;
    const path = (run.checklist.settings.escalation ?? []).map((l, i) => `${i + 1}. ${l.name}`).join('\n');
    const written = path ? `\nThe checklist’s escalation path:\n${path}` : '';
    const pager = this.deps.pager;
    if (!pager?.canLookUpOncall) {
      return { text: `On-call lookups are off: set PAGERDUTY_API_TOKEN (a read-only REST API key) to ask PagerDuty who is on call.${written}` };
    }
    if (!policy) {
      return { text: `This checklist names no PagerDuty escalation policy: add \`escalationPolicy: P…\` to its front matter.${written}` };
    }
    return {
      text: `Asking PagerDuty who is on call for policy \`${policy}\`…`,
      after: async () => {
        const result = await pager.whoIsOnCall(policy);
        if (!result.ok) return `PagerDuty did not answer the on-call lookup: ${result.error}.${written}`;
        if (result.levels.length === 0) return `Nobody is on call for policy \`${policy}\` right now.${written}`;
        const lines = result.levels.map(
          (l) => `• Level ${l.level}: *${l.userName}*${l.scheduleName ? ` (${l.scheduleName})` : ''}${l.until ? ` until <!date^${Math.floor(l.until / 1000)}^{date_short_pretty} {time}|${new Date(l.until).toISOString()}>` : ''}`,
        );
        return `*On call now for run #${run.id}* (policy \`${policy}\`)\n${lines.join('\n')}`;
      },
    };
  }

  pagesOf(runId: number): Page[] {
    return listPages(this.deps.db, runId);
  }

  private trigger(run: Run, dedupKey: string, page: DesiredPage, now: number, actor = 'deployday', request?: NewPage['request']): boolean {
    const link = this.deps.linkToRun(run.id);
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
      },
    });
    const queued = enqueuePage(this.deps.db, { runId: run.id, dedupKey, reason: page.reason, summary: page.summary, payload: event, now, ...(request ? { request } : {}) });
    if (queued) {
      appendAudit(this.deps.db, { runId: run.id, at: now, actor, action: 'page.trigger', target: page.reason, detail: { dedupKey, severity: page.severity, summary: page.summary } });
    }
    return queued;
  }
}

/** Sections' time boxes run from the rollback's start; a step's from the click on its button (item state). */
function rollbackTimeboxesNow(snapshot: RunSnapshot, started: number): RollbackTimebox[] {
  return computeRollbackTimeboxes(snapshot.run.checklist, started).flatMap((box) => {
    if (box.itemId === undefined) return [box];
    const clickedAt = snapshot.items[box.itemId]?.timerStartedAt ?? null;
    return clickedAt === null ? [] : [{ ...box, startsAt: clickedAt, endsAt: clickedAt + box.minutes * 60_000 }];
  });
}

/** Tells a requester which page their request joined, so they know on-call already has it. */
function foldedReply(open: Page, scope: 'this channel' | 'you'): string {
  const seconds = Math.floor(open.openedAt / 1000);
  const when = `<!date^${seconds}^{date_short_pretty} {time}|${new Date(open.openedAt).toISOString()}>`;
  const who = open.requestedBy ? `<@${open.requestedBy}>’s` : 'a';
  const words = escapeMrkdwn(open.requestText ?? open.summary);
  return (
    `On-call is already paged for ${scope}: ${who} page “${words}”, opened ${when}${open.runId !== null ? ` on run #${open.runId}` : ''}. ` +
    `Your request was added to that page, not sent as a new one: one page by hand per channel and per person every ${MANUAL_PAGE_WINDOW_MS / 60_000} minutes. ` +
    'The channel will see when it resolves.'
  );
}
