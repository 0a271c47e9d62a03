import { type GateStatus, gateStatuses, undecidedGates } from './gates.js';
import { itemKeys } from './itemKeys.js';
import type { RunSnapshot } from './run.js';

export type GateToWaive =
  /** This gate, for this reason (possibly empty: the service asks for one). */
  | { kind: 'gate'; gate: GateStatus; reason: string }
  /** No gate of the run is undecided. */
  | { kind: 'none' }
  /**
   * Several are undecided and the words name none of them: the person says which, by number (its place
   * among the run's gates, from 1) or key (null: none usable, e.g. two gates worded alike).
   */
  | { kind: 'which'; gates: Array<{ number: number; key: string | null; text: string; section: string }> }
  /** The words name a gate that is decided or waived already. */
  | { kind: 'settled'; gate: GateStatus };

/** How a waiver names this gate: its key, else its number among the run's gates. */
export function gateRefOf(snapshot: RunSnapshot, gate: GateStatus): string {
  const key = itemKeys(snapshot.run.checklist).keyOf.get(gate.item.id);
  return key ?? String(gateStatuses(snapshot).findIndex((g) => g.item.id === gate.item.id) + 1);
}

/**
 * Which gate `/deploy waive gate [<gate>] <reason>` means. The first word names a gate when it is one of
 * the checklist's gate keys (the pipeline's keys: `canary-go`) or a gate's number (its place among the
 * run's gates, as the reply listing them shows: real checklists word gates alike, "Go/No-Go decision
 * recorded" twice, and such gates have no usable key). Otherwise the words are all reason, which is
 * enough only when one gate is undecided. A waiver never picks a gate the words may not mean: a number
 * naming a decided gate is refused, not read as reason, and with several undecided the person says
 * which. Waiving the wrong gate would let the run finish past a decision nobody took.
 */
export function gateToWaive(snapshot: RunSnapshot, words: string): GateToWaive {
  const keys = itemKeys(snapshot.run.checklist);
  const trimmed = words.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const gates = gateStatuses(snapshot);
  const undecided = undecidedGates(snapshot);
  const byKey = keys.byKey.get(first.toLowerCase());
  const byNumber = /^\d{1,3}$/.test(first) ? gates[Number(first) - 1] : undefined;
  // A rollback phase's gate is not among the run's gates: it is never waived to finish.
  const named = byNumber ?? gates.find((g) => g.item.id === byKey?.id);
  if (named) {
    const open = undecided.find((g) => g.item.id === named.item.id);
    return open ? { kind: 'gate', gate: open, reason: rest.join(' ') } : { kind: 'settled', gate: named };
  }
  if (undecided.length === 0) return { kind: 'none' };
  if (undecided.length === 1) return { kind: 'gate', gate: undecided[0]!, reason: trimmed };
  const numberOf = (g: GateStatus) => gates.findIndex((x) => x.item.id === g.item.id) + 1;
  return {
    kind: 'which',
    gates: undecided.map((g) => ({ number: numberOf(g), key: keys.keyOf.get(g.item.id) ?? null, text: g.item.text, section: g.section.title })),
  };
}
