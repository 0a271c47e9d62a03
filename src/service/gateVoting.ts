import { DomainError, type DomainErrorParams } from '../domain/errors.js';
import { gateRefOf, gateToWaive } from '../domain/gateToWaive.js';
import { findItem } from '../domain/findItem.js';
import { gateOutcome, gateRuleFor, openItemsBeforeGo, standingVotes, unlockedSections, type GateOutcome } from '../domain/gates.js';
import type { GateVote, Vote } from '../domain/run.js';
import { appendAudit } from '../store/audit.js';
import { insertGateVote } from '../store/gateVotes.js';
import { signalRunChanged } from '../store/runChangeSignals.js';
import { saveItemState } from '../store/itemStates.js';
import { bumpRunMessages } from '../store/runMessages.js';
import { activeRunFor, refuse, requireAllowed } from './runGuard.js';
import { beginRollback } from './runEnding.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

export interface VoteInput extends Actor {
  runId: number;
  itemId: string;
  vote: Vote;
  reason: string | null;
  /**
   * The voter saw and accepted that items of the gate's section are still open ("Go with N open").
   * Without it, a Go over open items is not recorded: the voter is asked to confirm first.
   */
  confirmOpen?: boolean;
}

/** Go/No-Go votes on a gate; a No-Go that fails the gate declares the rollback. */
export class GateVoting {
  constructor(private readonly deps: UseCaseDeps) {}

  /** Throws the reason this person may not vote on this gate now; used before asking for a No-Go reason. */
  async checkCanVote(input: Actor & { runId: number; itemId: string }): Promise<void> {
    await this.context({ ...input, vote: 'no_go' });
  }

  async voteGate(input: VoteInput): Promise<{ outcome: GateOutcome }> {
    const { db, clock, timeline, events, queries } = this.deps;
    const { run, snapshot, item, section, action } = await this.context(input);
    const rule = gateRuleFor(run.checklist, section, item);
    const now = clock.now();
    const open = input.vote === 'go' ? openItemsBeforeGo(snapshot, section).length : 0;
    if (open > 0 && input.confirmOpen !== true) {
      // Nothing is recorded but the question: a Go over open work must be a choice, not a slip of the finger.
      await appendAudit(db, { runId: run.id, at: now, actor: input.userId, action: 'confirm', target: item.id, detail: { attempted: action, open } });
      throw new DomainError('confirm_go_open', { runId: run.id, itemId: item.id, open, sectionTitle: section.title });
    }
    const reason = open > 0 ? `Go with ${open} open` : input.reason;
    const vote: GateVote = { itemId: item.id, userId: input.userId, vote: input.vote, reason, at: now };
    const after = gateOutcome(rule, standingVotes([...snapshot.votes, vote], item.id), snapshot.roles);
    await db.tx(async () => {
      await insertGateVote(db, run.id, vote);
      const detail = open > 0 ? { reason, open, outcome: after } : { reason, outcome: after };
      await appendAudit(db, { runId: run.id, at: now, actor: input.userId, action, target: item.id, detail });
      if (after === 'passed') {
        await saveItemState(db, run.id, { ...snapshot.items[item.id]!, done: true, by: input.userId, at: now }, now);
      }
      await bumpRunMessages(db, run.id, 'all');
      // Delivered on commit: a gate wait held by another replica looks again (service/gateWakes.ts).
      await signalRunChanged(db, run.id);
    });
    if (after === 'passed') {
      const windows = await timeline.windows(run);
      const unlocked = unlockedSections(snapshot, await queries.snapshot(run.id)).map((s) => {
        const window = windows.find((w) => w.sectionId === s.id);
        return { title: s.title, opensAt: window?.opensAt ?? null, closesAt: window?.closesAt ?? null };
      });
      await timeline.notice(run.id, `gate-passed:${item.id}`, {
        kind: 'gate_passed',
        runId: run.id,
        gateText: item.text,
        sectionTitle: section.title,
        unlocked,
        at: now,
        ...(open > 0 ? { openItems: open } : {}),
      });
    }
    if (after === 'failed') {
      // Stored as data; every view escapes it (the reason is typed text).
      await beginRollback(this.deps, run, input.userId, `No-Go on “${item.text}”${input.reason ? `: ${input.reason}` : ''}`, now);
    }
    events.messagesChanged(run.id);
    await events.stateChanged(run.id);
    return { outcome: after };
  }

  /**
   * Waives an undecided gate so the run can finish without pretending it passed: the one the words
   * name by its number or key, or the only one (domain/gateToWaive.ts). Only someone allowed to decide that gate
   * may, only with a reason, and the audit says `gate.waive`. A waived gate counts as waived, never as
   * done. Returns what was waived: the gate's text and section, and the reason (without the gate's name).
   */
  async waiveGate(input: Actor & { runId: number; reason: string }): Promise<{ gateText: string; section: string; reason: string }> {
    const { db, clock, events } = this.deps;
    const { run, snapshot } = await activeRunFor(this.deps, input);
    const target = gateToWaive(snapshot, input.reason);
    const denied = (itemId: string | null, code: string, params: DomainErrorParams) =>
      refuse(this.deps, run.id, input.userId, 'gate.waive', itemId, { code, params: { runId: run.id, ...params } });
    if (target.kind === 'none') return await denied(null, 'no_undecided_gate', {});
    if (target.kind === 'which') {
      const { gates } = target;
      const params = {
        numbers: gates.map((g) => g.number),
        keys: gates.map((g) => g.key ?? ''),
        texts: gates.map((g) => g.text),
        sections: gates.map((g) => g.section),
      };
      return await denied(null, 'gate_to_waive_unclear', params);
    }
    if (target.kind === 'settled') return await denied(target.gate.item.id, 'gate_settled', { gateText: target.gate.item.text });
    const { gate } = target;
    await requireAllowed(this.deps, snapshot, input.userId, 'gate.waive', gate.item.id, {
      kind: 'waive_gate',
      item: gate.item,
      section: gate.section,
    });
    const reason = target.reason.trim();
    if (reason === '') return await denied(gate.item.id, 'waive_needs_reason', { gateText: gate.item.text, gateRef: gateRefOf(snapshot, gate) });
    const now = clock.now();
    await db.tx(async () => {
      await saveItemState(db, run.id, { ...snapshot.items[gate.item.id]!, waivedReason: reason, by: input.userId, at: now }, now);
      await appendAudit(db, {
        runId: run.id,
        at: now,
        actor: input.userId,
        action: 'gate.waive',
        target: gate.item.id,
        detail: { reason, text: gate.item.text },
      });
      await bumpRunMessages(db, run.id, 'all');
      await signalRunChanged(db, run.id);
    });
    events.messagesChanged(run.id);
    await events.stateChanged(run.id);
    return { gateText: gate.item.text, section: gate.section.title, reason };
  }

  private async context(input: Actor & { runId: number; itemId: string; vote: Vote }) {
    const { run, snapshot } = await activeRunFor(this.deps, input);
    const { item, section } = findItem(run.checklist, input.itemId);
    const action = input.vote === 'go' ? 'gate.go' : 'gate.no_go';
    const window = (await this.deps.timeline.windows(run)).find((w) => w.sectionId === section.id) ?? null;
    const now = this.deps.clock.now();
    await requireAllowed(this.deps, snapshot, input.userId, action, item.id, { kind: 'vote', item, section, window, now });
    return { run, snapshot, item, section, action };
  }
}
