import { DomainError } from '../domain/errors.js';
import { findItem } from '../domain/findItem.js';
import type { ItemState } from '../domain/run.js';
import { appendAudit } from '../store/audit.js';
import { saveItemState } from '../store/itemStates.js';
import { bumpRunMessages } from '../store/runMessages.js';
import { activeRunFor, requireAllowed } from './runGuard.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/** Ticking items and starting their timers: the day-to-day clicks on a run's messages. */
export class ItemWork {
  constructor(private readonly deps: UseCaseDeps) {}

  /**
   * Sets one item to done or not done. Setting it to the state it already has changes
   * nothing, so a stale click never replaces who completed an item, or undoes it.
   */
  async setItem(input: Actor & { runId: number; itemId: string; done: boolean; evidence?: { url: string | null; note: string | null } }): Promise<{
    changed: boolean;
    state: ItemState;
  }> {
    const { db, clock, layout, events, queries } = this.deps;
    const { run, snapshot } = await activeRunFor(this.deps, input);
    const { item, section } = findItem(run.checklist, input.itemId);
    const attempt = input.done ? 'item.tick' : 'item.untick';
    await requireAllowed(this.deps, snapshot, input.userId, attempt, item.id, { kind: 'work_item', item, section });
    const current = snapshot.items[item.id]!;
    if (current.done === input.done && !current.waivedReason) return { changed: false, state: current };
    const now = clock.now();
    const { evidence: _previous, ...rest } = current;
    const state: ItemState = {
      ...rest,
      done: input.done,
      by: input.done ? input.userId : null,
      at: input.done ? now : null,
      waivedReason: null,
      // Evidence belongs to the tick it came with: an untick or a person's tick clears it.
      ...(input.done && input.evidence ? { evidence: input.evidence } : {}),
    };
    await db.tx(async () => {
      // Through the queries, so the item states they cache for the next click stay current.
      await queries.saveItemState(run, snapshot.items, state, now);
      await appendAudit(db, {
        runId: run.id,
        at: now,
        actor: input.userId,
        action: attempt,
        target: item.id,
        detail: { text: item.text, ...(state.evidence ? { evidence: state.evidence } : {}) },
      });
      await bumpRunMessages(db, run.id, ['overview', ...layout.keysForItem(run.checklist, item.id)]);
    });
    events.messagesChanged(run.id);
    events.stateChanged(run.id);
    return { changed: true, state };
  }

  /** Starts the timer of a "Monitor … for 30 minutes" item; the timeline says when it is up. */
  async startTimer(input: Actor & { runId: number; itemId: string }): Promise<{ endsAt: number }> {
    const { db, clock, layout, events, timeline } = this.deps;
    const { run, snapshot } = await activeRunFor(this.deps, input);
    const { item, section } = findItem(run.checklist, input.itemId);
    if (!item.timer) throw new DomainError('no_timer');
    // A watch behind a pending gate would time a step that cannot have happened yet.
    await requireAllowed(this.deps, snapshot, input.userId, 'timer.start', item.id, { kind: 'work_item', item, section, timer: true });
    const current = snapshot.items[item.id]!;
    // Started once: a second Start (a stale copy of the message) must not restart the watch or plan a second "time is up".
    if (current.timerStartedAt !== null) return { endsAt: current.timerStartedAt + item.timer.minutes * 60_000 };
    const now = clock.now();
    const state: ItemState = { ...current, timerStartedAt: now };
    await db.tx(async () => {
      await saveItemState(db, run.id, state, now);
      await appendAudit(db, {
        runId: run.id,
        at: now,
        actor: input.userId,
        action: 'timer.start',
        target: item.id,
        detail: { minutes: item.timer!.minutes },
      });
      await bumpRunMessages(db, run.id, layout.keysForItem(run.checklist, item.id));
    });
    await timeline.planItemTimer(run.id, item.id, now);
    events.messagesChanged(run.id);
    return { endsAt: now + item.timer.minutes * 60_000 };
  }

  /**
   * After a refused checkbox click: Slack already shows the box ticked, so every message of the
   * run is drawn again to put it back. Only for a run of the clicker's channel.
   */
  async redraw(input: Actor & { runId: number }): Promise<void> {
    const run = await this.deps.queries.findRun(input.runId);
    if (!run || run.channelId !== input.channelId) return;
    await bumpRunMessages(this.deps.db, run.id, 'all');
    this.deps.events.messagesChanged(run.id);
  }
}
