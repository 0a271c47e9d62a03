import { type GateStatus, gateStatuses, undecidedGates } from './gates.js';
import { itemKeys } from './itemKeys.js';
import type { RunSnapshot } from './run.js';

export type GateToWaive =
  /** This gate, for this reason (possibly empty: the service asks for one). */
  | { kind: 'gate'; gate: GateStatus; reason: string }
  /** No gate of the run is undecided. */
  | { kind: 'none' }
  /** Several are undecided and the words name none of them: the person says which (key null: the gate has no usable key). */
  | { kind: 'which'; gates: Array<{ key: string | null; text: string }> }
  /** The words name a gate that is decided or waived already. */
  | { kind: 'settled'; gate: GateStatus };

/**
 * Which gate `/deploy waive gate [<key>] <reason>` means. The first word names a gate when it is one
 * of the checklist's gate keys (the pipeline's keys: `canary-go`); otherwise the words are all reason,
 * which is only enough when one gate is undecided. With several, a waiver never picks one silently:
 * waiving the wrong gate would let the run finish past a decision nobody took.
 */
export function gateToWaive(snapshot: RunSnapshot, words: string): GateToWaive {
  const keys = itemKeys(snapshot.run.checklist);
  const trimmed = words.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const named = keys.byKey.get(first.toLowerCase());
  const undecided = undecidedGates(snapshot);
  if (named?.kind === 'gate') {
    const open = undecided.find((g) => g.item.id === named.id);
    if (open) return { kind: 'gate', gate: open, reason: rest.join(' ') };
    const gate = gateStatuses(snapshot).find((g) => g.item.id === named.id);
    // A rollback phase's gate is not among the run's gates: it is never waived to finish.
    if (gate) return { kind: 'settled', gate };
  }
  if (undecided.length === 0) return { kind: 'none' };
  if (undecided.length === 1) return { kind: 'gate', gate: undecided[0]!, reason: trimmed };
  return { kind: 'which', gates: undecided.map((g) => ({ key: keys.keyOf.get(g.item.id) ?? null, text: g.item.text })) };
}
