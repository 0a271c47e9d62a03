import { gateDeployments } from '../store/githubProtections.js';
import { allItems, type Checklist } from '../domain/checklist.js';
import { DomainError } from '../domain/errors.js';
import { findItem } from '../domain/findItem.js';
import { isOtherTenant, type ItemState, type Run, type RunSnapshot } from '../domain/run.js';
import { isSettled, withTemplateStates } from '../domain/snapshotItems.js';
import { tallyItems, type ItemTally } from '../domain/itemTally.js';
import { appendAudit, listAudit, type AuditEntry } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { listGateVotes } from '../store/gateVotes.js';
import { itemStatesToken, listItemStates, saveItemState } from '../store/itemStates.js';
import { listRoles } from '../store/roles.js';
import { RunCache } from '../store/runCache.js';
import { findRun, listActiveRunsInChannel, listRecentRunsInChannel } from '../store/runs.js';

/** A run with its progress, for lists of runs. */
export interface RunSummary {
  run: Run;
  done: number;
  total: number;
  /** Done, waived, skipped by a rollback and open, apart. */
  tally: ItemTally;
}

/** Reading runs: what commands show, what renders draw, what the other use cases start from. */
export class RunQueries {
  /**
   * Each run's item states (template states filled in), with the token they were read at. Reading
   * 150 item rows per click was the largest cost deployday added to an ack (docs/performance.md).
   * An entry is used only while the token read from the database, in the reader's own transaction,
   * is still the entry's, so a write by any connection (another process, a second replica) or one
   * rolled back is never served from here. The records are frozen and shared: never mutate them.
   * Bounded like the checklists and windows (RunCache): every active run, a few ended ones.
   */
  private readonly itemCache = new RunCache<{ token: string; items: Record<string, ItemState> }>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async snapshot(runId: number): Promise<RunSnapshot> {
    return await this.snapshotOf(await this.requireRun(runId));
  }

  /** The snapshot of a run already read (a click reads its run once, not once per check). */
  async snapshotOf(run: Run): Promise<RunSnapshot> {
    const runId = run.id;
    return {
      run,
      items: await this.itemsOf(run),
      votes: await listGateVotes(this.db, runId),
      roles: await listRoles(this.db, runId),
      github: await gateDeployments(this.db, runId),
    };
  }

  /** Every item's state: cached while the run's item-state token has not moved. */
  async itemsOf(run: Run): Promise<Record<string, ItemState>> {
    const token = await itemStatesToken(this.db, run.id);
    const cached = this.itemCache.get(run.id);
    if (token !== null && cached?.token === token) return cached.items;
    const items = Object.freeze(withTemplateStates(run.checklist, await listItemStates(this.db, run.id)));
    if (token !== null) this.itemCache.set(run.id, run.status === 'active', { token, items });
    return items;
  }

  /**
   * Saves one item's state, and keeps the cache current when `basis` (the items the caller read,
   * in this same transaction, just before) is what the cache holds: the next click of a burst then
   * reads no item rows either. Should the write be rolled back, the database's token goes back to
   * one the cache no longer holds, and the next read fetches the rows again.
   */
  async saveItemState(run: Run, basis: Record<string, ItemState>, state: ItemState, now: number): Promise<void> {
    const before = await itemStatesToken(this.db, run.id);
    await saveItemState(this.db, run.id, state, now);
    const cached = this.itemCache.get(run.id);
    if (before === null || cached?.token !== before || cached.items !== basis) return;
    const items = Object.freeze({ ...basis, [state.itemId]: state });
    this.itemCache.set(run.id, run.status === 'active', { token: (await itemStatesToken(this.db, run.id))!, items });
  }

  async findRun(runId: number): Promise<Run | null> {
    return (await findRun(this.db, runId)) ?? null;
  }

  async requireRun(runId: number): Promise<Run> {
    const run = await findRun(this.db, runId);
    if (!run) throw new DomainError('unknown_run', { runId, inChannel: false });
    return run;
  }

  /**
   * The run a command in this channel means: the one named (`#12` or `12`), or the only
   * active one. With several active runs and none named, the error lists them.
   */
  async resolveRun(
    channelId: string,
    runRef: string | null,
    asker?: { userId: string; teamId: string | null },
    options: { orLastEnded?: boolean } = {},
  ): Promise<Run> {
    if (runRef) {
      const id = Number(runRef.replace(/^#/, ''));
      if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('bad_run_id', { ref: runRef });
      const run = await findRun(this.db, id);
      if (run && asker && isOtherTenant(run, asker)) {
        // Another workspace's run: answered as missing, and the attempt audited in the asker's workspace.
        await appendAudit(this.db, {
          runId: null,
          at: this.now(),
          actor: asker.userId,
          action: 'denied',
          target: `run:${id}`,
          detail: { attempted: 'run.read', code: 'other_workspace', channel: channelId },
          teamId: asker.teamId,
        });
      }
      if (!run || run.channelId !== channelId || (asker && isOtherTenant(run, asker))) {
        throw new DomainError('unknown_run', { runId: id, inChannel: true });
      }
      return run;
    }
    const active = await listActiveRunsInChannel(this.db, channelId);
    if (active.length === 1) return active[0]!;
    // Reading commands (status, export) mean the run that just ended when nothing else is going.
    const last = options.orLastEnded && active.length === 0 ? (await listRecentRunsInChannel(this.db, channelId, 1))[0] : undefined;
    if (last && !(asker && isOtherTenant(last, asker))) return last;
    if (active.length === 0) throw new DomainError('no_active_run');
    throw new DomainError('ambiguous_run', { runIds: active.map((r) => r.id), names: active.map((r) => r.checklistName) });
  }

  async recentRuns(channelId: string, limit = 15): Promise<RunSummary[]> {
    const summaries: RunSummary[] = [];
    for (const run of await listRecentRunsInChannel(this.db, channelId, limit)) summaries.push(await this.summarise(run));
    return summaries;
  }

  async summarise(run: Run): Promise<RunSummary> {
    // One snapshot of the run already read serves both counts: the run is not read again.
    const snapshot = await this.snapshotOf(run);
    const held = run.rollbackActive ? new Set<string>() : rollbackItemIds(run.checklist);
    const counted = allItems(run.checklist).filter((i) => !held.has(i.id));
    return { run, done: counted.filter((i) => isSettled(snapshot.items[i.id])).length, total: counted.length, tally: tallyItems(snapshot) };
  }

  async itemText(runId: number, itemId: string): Promise<string> {
    return findItem((await this.requireRun(runId)).checklist, itemId).item.text;
  }

  /** The run's audit record, oldest first, for `/deploy export`. */
  async audit(runId: number): Promise<AuditEntry[]> {
    return await listAudit(this.db, runId);
  }
}

function rollbackItemIds(checklist: Checklist): Set<string> {
  return new Set(checklist.phases.filter((p) => p.kind === 'rollback').flatMap((p) => p.sections.flatMap((s) => s.items.map((i) => i.id))));
}
