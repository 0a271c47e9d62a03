import { DomainError } from '../domain/errors.js';

export interface CheckboxChange {
  itemId: string;
  done: boolean;
}

interface OptionLike {
  value?: unknown;
}

function valuesOf(options: unknown): Set<string> {
  if (!Array.isArray(options)) return new Set();
  return new Set((options as OptionLike[]).map((o) => (o && typeof o.value === 'string' ? o.value : null)).filter((v): v is string => v !== null));
}

/** The checkboxes element of a block, wherever Block Kit allows it (actions, section accessory, input). */
function checkboxesIn(block: Record<string, unknown>): Record<string, unknown> | null {
  const candidates: unknown[] = [];
  if (Array.isArray(block.elements)) candidates.push(...(block.elements as unknown[]));
  if (block.accessory) candidates.push(block.accessory);
  if (block.element) candidates.push(block.element);
  const found = candidates.find((e) => (e as { type?: unknown })?.type === 'checkboxes');
  return (found as Record<string, unknown> | undefined) ?? null;
}

/**
 * Slack sends the clicker's whole selection for a checkboxes element. What changed is the
 * difference from the message *as the clicker saw it* (its initial_options), not from the
 * database: a stale view then changes only the box that was clicked, and can never undo a
 * completion made by someone else since that view was drawn.
 */
export function diffCheckboxes(messageBlocks: unknown, blockId: string, selectedOptions: unknown): CheckboxChange[] {
  if (!Array.isArray(messageBlocks)) {
    throw new DomainError('I could not see the message you clicked, so nothing changed. Try again on the latest message.', 'no_message');
  }
  const block = (messageBlocks as Array<Record<string, unknown>>).find((b) => b && b.block_id === blockId);
  const element = block ? checkboxesIn(block) : null;
  if (!element) {
    throw new DomainError('That checklist message has changed since you opened it; nothing was changed. Please click again.', 'stale_block');
  }
  const offered = valuesOf(element.options);
  const seen = valuesOf(element.initial_options);
  const selected = valuesOf(selectedOptions);
  const changes: CheckboxChange[] = [];
  for (const value of selected) if (!seen.has(value) && offered.has(value)) changes.push({ itemId: value, done: true });
  for (const value of seen) if (!selected.has(value)) changes.push({ itemId: value, done: false });
  return changes;
}
