import { allItems, allSections, type Checklist, type Section } from '../domain/checklist.js';
import { DomainError } from '../domain/errors.js';
import { findItem } from '../domain/findItem.js';
import { blockedSections, gateOutcome, gateRuleFor, heldSections, standingVotes } from '../domain/gates.js';
import { APPROVER, holdsAnyRole, holdsRole, LEAD, normaliseRole } from '../domain/roles.js';
import type { GateVote, ItemState, Run, RunSnapshot, Vote } from '../domain/run.js';
import { isSettled, withTemplateStates } from '../domain/snapshotItems.js';
import { isValidTimeZone } from '../domain/zonedTime.js';
import { parseStartTime } from '../domain/parseWhen.js';
import { appendAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { insertGateVote, listGateVotes } from '../store/gateVotes.js';
import { listItemStates, saveItemState } from '../store/itemStates.js';
import { assignRole, listRoles, unassignRole } from '../store/roles.js';
import { bumpRunMessages, insertRunMessages } from '../store/runMessages.js';
import {
  endRun,
  findRun,
  insertRun,
  listActiveRunsInChannel,
  listRecentRunsInChannel,
  setRunT0,
  startRollback,
} from '../store/runs.js';
import type { ChecklistCatalog } from './checklistCatalog.js';
import type { Clock } from './clock.js';
import type { TimelineService } from './timelineService.js';

/** Which Slack messages a run owns and which of them show an item; decided by the Slack views. */
export interface MessageLayout {
  /** Keys of the run's messages in posting order; rollback phases only when `rollback` is true. */
  keysFor(checklist: Checklist, opts: { rollback: boolean }): string[];
  keysForItem(checklist: Checklist, itemId: string): string[];
}

/** What the service tells the outside after it has changed state (all fire-and-forget). */
export interface RunEvents {
  /** Some of the run's messages need re-rendering. */
  messagesChanged(runId: number): void;
  /** Something the escalation rules read has changed (items, gates, rollback, end). */
  stateChanged(runId: number): void;
  /** The run has ended (completed, rolled back or aborted): its report is due. */
  runEnded?(runId: number): void;
}

export interface Actor {
  userId: string;
  channelId: string;
}

export interface RunSummary {
  run: Run;
  done: number;
  total: number;
}

/**
 * The use cases of a run. Every method validates, writes to SQLite synchronously (so a
 * handler can persist before it acks) and then tells `events` what changed; no Slack or
 * PagerDuty I/O happens here.
 */
export class RunService {
  timeline!: TimelineService;

  constructor(
    private readonly db: Db,
    private readonly catalog: ChecklistCatalog,
    private readonly clock: Clock,
    private readonly layout: MessageLayout,
    private readonly events: RunEvents,
  ) {}

  // ---- reading ----

  snapshot(runId: number): RunSnapshot {
    const run = this.requireRun(runId);
    return {
      run,
      items: withTemplateStates(run.checklist, listItemStates(this.db, runId)),
      votes: listGateVotes(this.db, runId),
      roles: listRoles(this.db, runId),
    };
  }

  requireRun(runId: number): Run {
    const run = findRun(this.db, runId);
    if (!run) throw new DomainError(`There is no run #${runId}.`, 'unknown_run');
    return run;
  }

  /**
   * The run a command in this channel means: the one named (`#12` or `12`), or the only
   * active one. With several active runs and none named, the answer lists them.
   */
  resolveRun(channelId: string, runRef: string | null): Run {
    if (runRef) {
      const id = Number(runRef.replace(/^#/, ''));
      if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError(`“${runRef}” is not a run id; run ids look like #12.`, 'bad_run_id');
      const run = findRun(this.db, id);
      if (!run || run.channelId !== channelId) throw new DomainError(`There is no run #${id} in this channel.`, 'unknown_run');
      return run;
    }
    const active = listActiveRunsInChannel(this.db, channelId);
    if (active.length === 1) return active[0]!;
    if (active.length === 0) {
      throw new DomainError('There is no active run in this channel. Start one with `/deploy start <checklist>`.', 'no_active_run');
    }
    throw new DomainError(
      `There are ${active.length} active runs here (${active.map((r) => `#${r.id} ${r.checklistName}`).join(', ')}); say which, e.g. \`/deploy status #${active[0]!.id}\`.`,
      'ambiguous_run',
    );
  }

  recentRuns(channelId: string, limit = 15): RunSummary[] {
    return listRecentRunsInChannel(this.db, channelId, limit).map((run) => this.summarise(run));
  }

  summarise(run: Run): RunSummary {
    const states = withTemplateStates(run.checklist, listItemStates(this.db, run.id));
    const held = run.rollbackActive ? new Set<string>() : rollbackItemIds(run.checklist);
    const counted = allItems(run.checklist).filter((i) => !held.has(i.id));
    return { run, done: counted.filter((i) => isSettled(states[i.id])).length, total: counted.length };
  }

  // ---- starting ----

  startRun(input: {
    checklistName: string;
    when: string | null;
    timezone: string | null;
    channelId: string;
    teamId: string | null;
    userId: string;
  }): { run: Run; note: string | null } {
    const checklist = this.catalog.get(input.checklistName);
    const timezone = input.timezone ?? checklist.settings.timezone ?? 'UTC';
    if (!isValidTimeZone(timezone)) {
      throw new DomainError(`“${timezone}” is not a time zone I know; use an IANA name such as Europe/London.`, 'bad_timezone');
    }
    const now = this.clock.now();
    let t0 = now;
    let note: string | null = null;
    if (input.when) {
      const parsed = parseStartTime(input.when, { now, timezone });
      if (!parsed.ok) throw new DomainError(parsed.error, 'bad_time');
      t0 = parsed.t0;
      note = parsed.note ?? null;
    }
    const runId = this.db.transaction(() => {
      const id = insertRun(this.db, { checklist, channelId: input.channelId, teamId: input.teamId, startedBy: input.userId, t0, timezone, now });
      for (const [role, users] of Object.entries(checklist.settings.roles ?? {})) {
        for (const user of users) assignRole(this.db, id, role, user, 'checklist', now);
      }
      if (!(checklist.settings.roles && Object.keys(checklist.settings.roles).some((r) => normaliseRole(r) === LEAD))) {
        assignRole(this.db, id, LEAD, input.userId, input.userId, now);
      }
      insertRunMessages(this.db, id, input.channelId, this.layout.keysFor(checklist, { rollback: false }));
      appendAudit(this.db, {
        runId: id,
        at: now,
        actor: input.userId,
        action: 'run.start',
        detail: { checklist: checklist.name, source: checklist.source, t0, timezone, channel: input.channelId },
      });
      return id;
    })();
    this.timeline.planRun(runId);
    this.events.messagesChanged(runId);
    this.events.stateChanged(runId);
    return { run: this.requireRun(runId), note };
  }

  // ---- items ----

  /**
   * Sets one item to done or not done. Setting it to the state it already has changes
   * nothing, so a stale click never replaces who completed an item, or undoes it.
   */
  setItem(input: Actor & { runId: number; itemId: string; done: boolean }): { changed: boolean; state: ItemState } {
    const { run, snapshot } = this.activeRunFor(input);
    const { item, section } = findItem(run.checklist, input.itemId);
    const attempt = input.done ? 'item.tick' : 'item.untick';
    this.requireSectionOpen(snapshot, input.userId, attempt, item.id, section);
    if (item.kind === 'gate') {
      this.refuse(run.id, input.userId, attempt, item.id, 'gate', 'This is a Go/No-Go gate: vote with its Go or No-Go button.');
    }
    if (item.kind === 'signoff' && item.role && !holdsRole(snapshot.roles, item.role, input.userId)) {
      const holders = snapshot.roles[normaliseRole(item.role)] ?? [];
      this.refuse(
        run.id,
        input.userId,
        attempt,
        item.id,
        'not_role_holder',
        `Only the ${item.role} can sign this off${holders.length ? ` (${holders.map((u) => `<@${u}>`).join(', ')})` : '; nobody holds that role yet — the lead can assign it with `/deploy role "' + item.role + '" @person`'}.`,
      );
    }
    const current = snapshot.items[item.id]!;
    if (current.done === input.done && !current.waivedReason) return { changed: false, state: current };
    const now = this.clock.now();
    const state: ItemState = {
      ...current,
      done: input.done,
      by: input.done ? input.userId : null,
      at: input.done ? now : null,
      waivedReason: null,
    };
    this.db.transaction(() => {
      saveItemState(this.db, run.id, state, now);
      appendAudit(this.db, { runId: run.id, at: now, actor: input.userId, action: attempt, target: item.id, detail: { text: item.text } });
      bumpRunMessages(this.db, run.id, ['overview', ...this.layout.keysForItem(run.checklist, item.id)]);
    })();
    this.events.messagesChanged(run.id);
    this.events.stateChanged(run.id);
    return { changed: true, state };
  }

  /** Starts the timer of a "Monitor … for 30 minutes" item; the timeline says when it is up. */
  startTimer(input: Actor & { runId: number; itemId: string }): { endsAt: number } {
    const { run, snapshot } = this.activeRunFor(input);
    const { item, section } = findItem(run.checklist, input.itemId);
    if (!item.timer) throw new DomainError('That item has no timer.', 'no_timer');
    // A watch behind a pending gate would time a step that cannot have happened yet.
    this.requireSectionOpen(snapshot, input.userId, 'timer.start', item.id, section);
    const current = snapshot.items[item.id]!;
    // Started once: a second Start (a stale copy of the message) must not restart the watch or plan a second "time is up".
    if (current.timerStartedAt !== null) return { endsAt: current.timerStartedAt + item.timer.minutes * 60_000 };
    const now = this.clock.now();
    const state: ItemState = { ...current, timerStartedAt: now };
    this.db.transaction(() => {
      saveItemState(this.db, run.id, state, now);
      appendAudit(this.db, { runId: run.id, at: now, actor: input.userId, action: 'timer.start', target: item.id, detail: { minutes: item.timer!.minutes } });
      bumpRunMessages(this.db, run.id, this.layout.keysForItem(run.checklist, item.id));
    })();
    this.timeline.planItemTimer(run.id, item.id, now);
    this.events.messagesChanged(run.id);
    return { endsAt: now + item.timer.minutes * 60_000 };
  }

  // ---- gates ----

  /** Throws the reason this person may not vote on this gate now; used before asking for a No-Go reason. */
  checkCanVote(input: Actor & { runId: number; itemId: string }): void {
    this.gateVoteContext({ ...input, vote: 'no_go' });
  }

  itemText(runId: number, itemId: string): string {
    return findItem(this.requireRun(runId).checklist, itemId).item.text;
  }

  private gateVoteContext(input: Actor & { runId: number; itemId: string; vote: Vote }) {
    const { run, snapshot } = this.activeRunFor(input);
    const { item, section } = findItem(run.checklist, input.itemId);
    const action = input.vote === 'go' ? 'gate.go' : 'gate.no_go';
    if (item.kind !== 'gate') this.refuse(run.id, input.userId, action, item.id, 'not_gate', 'That item is not a Go/No-Go gate.');
    const rule = gateRuleFor(run.checklist, section, item);
    if (!holdsAnyRole(snapshot.roles, rule.approvers, input.userId)) {
      this.refuse(
        run.id,
        input.userId,
        action,
        item.id,
        'not_approver',
        `Only ${rule.approvers.join(' or ')} can vote on this gate. The lead can add you with \`/deploy role approver @you\`.`,
      );
    }
    const before = gateOutcome(rule, standingVotes(snapshot.votes, item.id), snapshot.roles);
    if (before !== 'pending') {
      this.refuse(run.id, input.userId, action, item.id, 'gate_decided', `This gate has already ${before === 'passed' ? 'passed' : 'failed'}.`);
    }
    if (blockedSections(snapshot).ids.has(section.id)) {
      this.refuse(run.id, input.userId, action, item.id, 'blocked', 'An earlier gate has not passed yet, so this one cannot be decided.');
    }
    return { run, snapshot, item, section, rule, action };
  }

  voteGate(input: Actor & { runId: number; itemId: string; vote: Vote; reason: string | null }): {
    outcome: 'pending' | 'passed' | 'failed';
  } {
    const { run, snapshot, item, section, rule, action } = this.gateVoteContext(input);
    const now = this.clock.now();
    const vote: GateVote = { itemId: item.id, userId: input.userId, vote: input.vote, reason: input.reason, at: now };
    const after = gateOutcome(rule, standingVotes([...snapshot.votes, vote], item.id), snapshot.roles);
    this.db.transaction(() => {
      insertGateVote(this.db, run.id, vote);
      appendAudit(this.db, { runId: run.id, at: now, actor: input.userId, action, target: item.id, detail: { reason: input.reason, outcome: after } });
      if (after === 'passed') {
        saveItemState(this.db, run.id, { ...snapshot.items[item.id]!, done: true, by: input.userId, at: now }, now);
      }
      bumpRunMessages(this.db, run.id, 'all');
    })();
    if (after === 'passed') {
      this.timeline.notice(run.id, `gate-passed:${item.id}`, { kind: 'gate_passed', runId: run.id, gateText: item.text, sectionTitle: section.title });
    }
    if (after === 'failed') {
      this.beginRollback(run, input.userId, `No-Go on “${item.text}”${input.reason ? `: ${input.reason}` : ''}`, now);
    }
    this.events.messagesChanged(run.id);
    this.events.stateChanged(run.id);
    return { outcome: after };
  }

  // ---- roles ----

  setRole(input: Actor & { runId: number; role: string; targetUserId: string; remove: boolean }): void {
    const run = this.requireRun(input.runId);
    this.requireChannel(run, input.channelId);
    const roles = listRoles(this.db, run.id);
    if (!holdsRole(roles, LEAD, input.userId)) {
      this.refuse(run.id, input.userId, 'role.assign', input.role, 'not_lead', 'Only the run’s lead can assign roles.');
    }
    const now = this.clock.now();
    this.db.transaction(() => {
      const changed = input.remove
        ? unassignRole(this.db, run.id, input.role, input.targetUserId)
        : assignRole(this.db, run.id, input.role, input.targetUserId, input.userId, now);
      if (changed) {
        appendAudit(this.db, {
          runId: run.id,
          at: now,
          actor: input.userId,
          action: input.remove ? 'role.remove' : 'role.assign',
          target: normaliseRole(input.role),
          detail: { user: input.targetUserId },
        });
        bumpRunMessages(this.db, run.id, 'all');
      }
    })();
    this.events.messagesChanged(run.id);
  }

  // ---- ending and rollback ----

  rollback(input: Actor & { runId: number; reason: string }): void {
    const { run, snapshot } = this.activeRunFor(input);
    this.requireDecider(run, snapshot, input.userId, 'run.rollback');
    if (run.rollbackActive) throw new DomainError(`Run #${run.id} is already rolling back (${run.rollbackReason ?? 'no reason given'}).`, 'already_rolling_back');
    this.beginRollback(run, input.userId, input.reason, this.clock.now());
    this.events.messagesChanged(run.id);
    this.events.stateChanged(run.id);
  }

  private beginRollback(run: Run, userId: string, reason: string, now: number): void {
    const started = this.db.transaction(() => {
      if (!startRollback(this.db, run.id, reason, now)) return false;
      insertRunMessages(this.db, run.id, run.channelId, this.layout.keysFor(run.checklist, { rollback: true }));
      appendAudit(this.db, { runId: run.id, at: now, actor: userId, action: 'run.rollback', detail: { reason } });
      bumpRunMessages(this.db, run.id, 'all');
      return true;
    })();
    if (!started) return;
    this.timeline.onRollback(run.id, now);
    this.timeline.notice(run.id, 'rollback', { kind: 'rollback', runId: run.id, by: userId, reason });
  }

  abort(input: Actor & { runId: number; reason: string | null }): Run {
    const { run, snapshot } = this.activeRunFor(input);
    this.requireDecider(run, snapshot, input.userId, 'run.abort');
    this.end(run, 'aborted', input.userId, input.reason ?? 'no reason given');
    return this.requireRun(run.id);
  }

  /**
   * Completes a run. Every remaining item must be done, or waived with a reason
   * (`/deploy finish waive <reason>`), and each waiver is audited.
   */
  finish(input: Actor & { runId: number; waiveReason: string | null }): Run {
    const { run, snapshot } = this.activeRunFor(input);
    this.requireDecider(run, snapshot, input.userId, 'run.finish');
    const held = heldSections(snapshot);
    const remaining = allSections(run.checklist)
      .filter(({ section }) => !held.has(section.id))
      .flatMap(({ section }) => section.items)
      .filter((i) => !isSettled(snapshot.items[i.id]));
    if (remaining.length > 0 && !input.waiveReason) {
      throw new DomainError(
        `${remaining.length} item${remaining.length === 1 ? ' is' : 's are'} still open (first: “${remaining[0]!.text}”). Finish them, or waive them with \`/deploy finish waive <reason>\`.`,
        'items_open',
      );
    }
    const now = this.clock.now();
    this.db.transaction(() => {
      for (const item of remaining) {
        saveItemState(this.db, run.id, { ...snapshot.items[item.id]!, waivedReason: input.waiveReason }, now);
        appendAudit(this.db, { runId: run.id, at: now, actor: input.userId, action: 'item.waive', target: item.id, detail: { reason: input.waiveReason, text: item.text } });
      }
    })();
    this.end(run, run.rollbackActive ? 'rolled_back' : 'completed', input.userId, input.waiveReason ? `finished with ${remaining.length} waived: ${input.waiveReason}` : 'all items done');
    return this.requireRun(run.id);
  }

  private end(run: Run, status: 'completed' | 'rolled_back' | 'aborted', userId: string, reason: string): void {
    const now = this.clock.now();
    this.db.transaction(() => {
      endRun(this.db, run.id, status, reason, now);
      appendAudit(this.db, { runId: run.id, at: now, actor: userId, action: `run.${status === 'rolled_back' ? 'rolled_back' : status === 'completed' ? 'complete' : 'abort'}`, detail: { reason } });
      bumpRunMessages(this.db, run.id, 'all');
    })();
    this.timeline.onRunEnded(run.id);
    this.timeline.notice(run.id, 'ended', { kind: 'run_ended', runId: run.id, title: run.checklist.title, status, by: userId, reason });
    this.events.runEnded?.(run.id);
    this.events.messagesChanged(run.id);
    this.events.stateChanged(run.id);
  }

  // ---- schedule ----

  /** Moves T-0 (and with it every future window and reminder) by `minutes`. */
  slip(input: Actor & { runId: number; minutes: number }): Run {
    const { run } = this.activeRunFor(input);
    return this.moveT0(run, input.userId, run.t0 + input.minutes * 60_000, run.slipMinutes + input.minutes, `slipped ${input.minutes >= 0 ? '+' : ''}${input.minutes}m`);
  }

  reschedule(input: Actor & { runId: number; when: string }): Run {
    const { run } = this.activeRunFor(input);
    const parsed = parseStartTime(input.when, { now: this.clock.now(), timezone: run.timezone });
    if (!parsed.ok) throw new DomainError(parsed.error, 'bad_time');
    // A reschedule sets a new plan: clock windows are placed on the new T-0's day, not shifted.
    return this.moveT0(run, input.userId, parsed.t0, 0, 'rescheduled');
  }

  private moveT0(run: Run, userId: string, t0: number, slipMinutes: number, how: string): Run {
    const snapshot = this.snapshot(run.id);
    this.requireDecider(run, snapshot, userId, 'run.reschedule');
    const now = this.clock.now();
    this.db.transaction(() => {
      setRunT0(this.db, run.id, t0, slipMinutes);
      appendAudit(this.db, { runId: run.id, at: now, actor: userId, action: 'run.reschedule', detail: { from: run.t0, to: t0, how } });
      bumpRunMessages(this.db, run.id, 'all');
    })();
    this.timeline.onT0Moved(run.id, userId, run.t0);
    this.events.messagesChanged(run.id);
    this.events.stateChanged(run.id);
    return this.requireRun(run.id);
  }

  // ---- refusal and checks ----

  /** Audits a refused attempt, then throws the reason for the person who tried. */
  refuse(runId: number | null, userId: string, attempted: string, target: string | null, code: string, message: string): never {
    appendAudit(this.db, { runId, at: this.clock.now(), actor: userId, action: 'denied', target, detail: { attempted, code } });
    throw new DomainError(message, code);
  }

  private activeRunFor(input: Actor & { runId: number }): { run: Run; snapshot: RunSnapshot } {
    const run = findRun(this.db, input.runId);
    if (!run) this.refuse(null, input.userId, 'run.touch', `run:${input.runId}`, 'unknown_run', `There is no run #${input.runId}.`);
    this.requireChannel(run, input.channelId, input.userId);
    if (run.status !== 'active') {
      this.refuse(run.id, input.userId, 'run.touch', null, 'run_ended', `Run #${run.id} has ended (${run.status.replace('_', ' ')}); nothing more can change.`);
    }
    return { run, snapshot: this.snapshot(run.id) };
  }

  /** Refuses (and audits) work on a rollback step before a rollback, or on a section behind a gate that has not passed. */
  private requireSectionOpen(snapshot: RunSnapshot, userId: string, attempt: string, itemId: string, section: Section): void {
    const runId = snapshot.run.id;
    if (heldSections(snapshot).has(section.id)) {
      this.refuse(runId, userId, attempt, itemId, 'held', 'Rollback steps open only once a rollback is declared (`/deploy rollback <reason>`).');
    }
    const blocked = blockedSections(snapshot);
    if (blocked.ids.has(section.id)) {
      this.refuse(runId, userId, attempt, itemId, 'blocked', `🔒 “${section.title}” is blocked until the gate “${blocked.by?.item.text ?? ''}” passes.`);
    }
  }

  private requireChannel(run: Run, channelId: string, userId?: string): void {
    if (run.channelId === channelId) return;
    if (userId) this.refuse(run.id, userId, 'run.touch', `channel:${channelId}`, 'wrong_channel', `Run #${run.id} belongs to another channel.`);
    throw new DomainError(`Run #${run.id} belongs to another channel.`, 'wrong_channel');
  }

  private requireDecider(run: Run, snapshot: RunSnapshot, userId: string, attempted: string): void {
    if (holdsAnyRole(snapshot.roles, [LEAD, APPROVER], userId)) return;
    const leads = snapshot.roles[LEAD] ?? [];
    this.refuse(
      run.id,
      userId,
      attempted,
      null,
      'not_lead_or_approver',
      `Only the lead or an approver can do that on run #${run.id}${leads.length ? ` (lead: ${leads.map((u) => `<@${u}>`).join(', ')})` : ''}.`,
    );
  }
}

function rollbackItemIds(checklist: Checklist): Set<string> {
  return new Set(checklist.phases.filter((p) => p.kind === 'rollback').flatMap((p) => p.sections.flatMap((s) => s.items.map((i) => i.id))));
}
