import { allItems, type Item } from '../domain/checklist.js';
import { DomainError } from '../domain/errors.js';
import { gateItemOutcome, standingVotes } from '../domain/gates.js';
import { itemKeys } from '../domain/itemKeys.js';
import { isOtherTenant, type Run, type RunSnapshot } from '../domain/run.js';
import { appendAudit } from '../store/audit.js';
import { protectionsOfRun, type ProtectionRow } from '../store/githubProtections.js';
import { findIdempotentAnswer, saveIdempotentAnswer, type StoredAnswer } from '../store/apiTokens.js';
import { tokenActor, type ApiToken } from './apiTokens.js';
import type { ItemWork } from './itemWork.js';
import { refuse } from './runGuard.js';
import type { StartRun } from './startRun.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/** What the API says about a gate: `ended` = the run ended (aborted, rolled back elsewhere) before it was decided. */
export type GateDecision = 'pending' | 'go' | 'no_go' | 'ended';

export interface GateView {
  runId: number;
  key: string;
  text: string;
  decision: GateDecision;
  reason: string | null;
  votes: Array<{ user: string; vote: string; reason: string | null; at: string }>;
  /** GitHub deployments waiting on (or answered by) this gate: its custom deployment protection rule. */
  github: Array<{ repository: string; environment: string; deploymentId: number; status: string; decision: string | null }>;
}

export interface ItemView {
  key: string | null;
  text: string;
  kind: string;
  done: boolean;
  by: string | null;
  at: string | null;
  evidence: { url: string | null; note: string | null } | null;
}

export interface RunView {
  id: number;
  checklist: string;
  channel: string;
  status: string;
  t0: string;
  rollback: boolean;
  items: ItemView[];
  gates: GateView[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The pipeline API's use cases. Each call is a token acting in its channel: ticks go through the
 * same ItemWork.setItem as a click (same permissions, same audit, same re-render), with the actor
 * `ci:<name>`; starting a run goes through StartRun. Nothing here knows HTTP.
 */
export class PipelineApi {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly items: ItemWork,
    private readonly starting: StartRun,
  ) {}

  async startRun(
    token: ApiToken,
    input: { checklist: string; at: string | null; tz: string | null },
  ): Promise<{ runId: number; note: string | null }> {
    if (token.checklistName !== null && token.checklistName !== input.checklist) {
      return await refuse(this.deps, null, tokenActor(token), 'run.start', `checklist:${input.checklist}`, { code: 'token_scope', params: {} });
    }
    const { run, note } = await this.starting.startRun({
      checklistName: input.checklist,
      when: input.at,
      timezone: input.tz,
      channelId: token.channelId,
      teamId: token.teamId,
      userId: tokenActor(token),
    });
    return { runId: run.id, note };
  }

  async run(token: ApiToken, runId: number): Promise<RunView> {
    const run = await this.scoped(token, runId, 'api.read');
    await this.audit(token, run.id, 'api.read', `run:${run.id}`);
    return await this.view(await this.deps.queries.snapshot(run.id));
  }

  /** The gate's decision; `audit: false` for the re-reads of a long poll, which was audited once. */
  async gate(token: ApiToken, runId: number, key: string, audit = true): Promise<GateView> {
    const run = await this.scoped(token, runId, 'api.read');
    const snapshot = await this.deps.queries.snapshot(run.id);
    const item = this.itemByKey(snapshot, key, true);
    if (audit) await this.audit(token, run.id, 'api.read', item.id);
    return gateView(snapshot, key, item, await protectionsOfRun(this.deps.db, run.id));
  }

  async setItem(
    token: ApiToken,
    runId: number,
    key: string,
    input: { done: boolean; evidence: { url: string | null; note: string | null } | null },
  ): Promise<{ changed: boolean; item: ItemView }> {
    const run = await this.scoped(token, runId, input.done ? 'item.tick' : 'item.untick');
    const item = this.itemByKey(await this.deps.queries.snapshot(run.id), key, false);
    const result = await this.items.setItem({
      userId: tokenActor(token),
      channelId: token.channelId,
      teamId: token.teamId,
      runId: run.id,
      itemId: item.id,
      done: input.done,
      ...(input.evidence ? { evidence: input.evidence } : {}),
    });
    const view = (await this.view(await this.deps.queries.snapshot(run.id))).items.find((i) => i.key === key)!;
    return { changed: result.changed, item: view };
  }

  /** The answer first given to a request with this Idempotency-Key, if any. */
  async storedAnswer(token: ApiToken, idemKey: string): Promise<StoredAnswer | null> {
    return await findIdempotentAnswer(this.deps.db, token.id, idemKey);
  }

  async rememberAnswer(token: ApiToken, idemKey: string, answer: StoredAnswer): Promise<void> {
    await saveIdempotentAnswer(this.deps.db, token.id, idemKey, answer, this.deps.clock.now());
  }

  /** The run, if it exists and the token may see it: its channel, and its checklist when the token names one. */
  private async scoped(token: ApiToken, runId: number, attempted: string): Promise<Run> {
    const run = await this.deps.queries.findRun(runId);
    if (!run) throw new DomainError('unknown_run', { runId });
    // Another workspace's run is answered like a missing one, the attempt audited in the token's workspace.
    if (isOtherTenant(run, token)) {
      return await refuse(this.deps, null, tokenActor(token), attempted, `run:${run.id}`, { code: 'unknown_run', params: { runId } }, token.teamId);
    }
    if (run.channelId !== token.channelId || (token.checklistName !== null && token.checklistName !== run.checklistName)) {
      return await refuse(this.deps, run.id, tokenActor(token), attempted, `run:${run.id}`, { code: 'token_scope', params: { runId } });
    }
    return run;
  }

  private itemByKey(snapshot: RunSnapshot, key: string, gate: boolean): Item {
    const keys = itemKeys(snapshot.run.checklist);
    const item = keys.byKey.get(key);
    if (item && (item.kind === 'gate') === gate) return item;
    const valid = [...keys.byKey].filter(([, i]) => (i.kind === 'gate') === gate).map(([k]) => k);
    throw new DomainError('unknown_key', { key, validKeys: valid });
  }

  private async audit(token: ApiToken, runId: number, action: string, target: string): Promise<void> {
    await appendAudit(this.deps.db, { runId, at: this.deps.clock.now(), actor: tokenActor(token), action, target });
  }

  private async view(snapshot: RunSnapshot): Promise<RunView> {
    const { run } = snapshot;
    const keys = itemKeys(run.checklist);
    const items = allItems(run.checklist).map((item): ItemView => {
      const state = snapshot.items[item.id]!;
      return {
        key: keys.keyOf.get(item.id) ?? null,
        text: item.text,
        kind: item.kind,
        done: state.done,
        by: state.by,
        at: iso(state.at),
        evidence: state.evidence ?? null,
      };
    });
    const github = await protectionsOfRun(this.deps.db, run.id);
    const gates = allItems(run.checklist)
      .filter((item) => item.kind === 'gate' && keys.keyOf.has(item.id))
      .map((item) => gateView(snapshot, keys.keyOf.get(item.id)!, item, github));
    return {
      id: run.id,
      checklist: run.checklistName,
      channel: run.channelId,
      status: run.status,
      t0: iso(run.t0)!,
      rollback: run.rollbackActive,
      items,
      gates,
    };
  }
}

function gateView(snapshot: RunSnapshot, key: string, item: Item, github: ProtectionRow[]): GateView {
  const outcome = gateItemOutcome(snapshot, item);
  const votes = standingVotes(snapshot.votes, item.id);
  const decision: GateDecision =
    outcome === 'passed' ? 'go' : outcome === 'failed' ? 'no_go' : snapshot.run.status !== 'active' ? 'ended' : 'pending';
  const reason =
    decision === 'no_go'
      ? (votes.find((v) => v.vote === 'no_go')?.reason ?? 'No-Go')
      : decision === 'ended'
        ? `run #${snapshot.run.id} ${snapshot.run.status.replace('_', ' ')}${snapshot.run.endReason ? `: ${snapshot.run.endReason}` : ''}`
        : null;
  return {
    runId: snapshot.run.id,
    key,
    text: item.text,
    decision,
    reason,
    votes: votes.map((v) => ({ user: v.userId, vote: v.vote, reason: v.reason, at: iso(v.at)! })),
    github: github
      .filter((p) => p.gateItemId === item.id)
      .map((p) => ({ repository: p.repository, environment: p.environment, deploymentId: p.deploymentId, status: p.status, decision: p.decision })),
  };
}
