import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from './blockKit.js';

interface OptionLike {
  text?: { text?: string };
  description?: { text?: string };
  value?: string;
}

/**
 * A message of a run that has ended, without a control left on it: Slack has no disabled state,
 * so buttons, selects and checkboxes go, and each checkbox becomes a read-only line (✅ done,
 * ☐ not) so the record stays readable. Late clicks from old copies are still answered by the
 * run guard ("run #N finished at …").
 */
export function withoutControls(message: SlackMessage): SlackMessage {
  const blocks: KnownBlock[] = [];
  for (const block of message.blocks) {
    const b = block as unknown as Record<string, unknown>;
    if (b['type'] === 'actions') {
      const elements = (b['elements'] as Array<Record<string, unknown>> | undefined) ?? [];
      const lines = elements.filter((e) => e['type'] === 'checkboxes').flatMap((e) => checkboxLines(e));
      if (lines.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } });
      continue;
    }
    if (b['type'] === 'section' && b['accessory'] !== undefined) {
      const rest = { ...b };
      delete rest['accessory'];
      blocks.push(rest as unknown as KnownBlock);
      continue;
    }
    blocks.push(block);
  }
  return { ...message, blocks };
}

function checkboxLines(element: Record<string, unknown>): string[] {
  const options = (element['options'] as OptionLike[] | undefined) ?? [];
  const ticked = new Set(((element['initial_options'] as OptionLike[] | undefined) ?? []).map((o) => o.value));
  return options.map((o) => {
    const note = o.description?.text ? ` — ${o.description.text}` : '';
    return `${ticked.has(o.value) ? '✅' : '☐'} ${o.text?.text ?? ''}${note}`;
  });
}
