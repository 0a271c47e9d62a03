import type { Logger, RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';

/**
 * An ephemeral answer only the clicker sees: a refusal's reason, or a question with its buttons
 * (e.g. "Go with 2 open"). Never replaces the message clicked.
 */
export async function replyToClicker(respond: RespondFn | undefined, reply: { text: string; blocks?: KnownBlock[] }, logger: Logger): Promise<void> {
  // Bolt gives no respond() to a payload without a response_url; the answer then has nowhere to go
  // (calling it anyway threw after the ack, found by test/integration/fuzz.test.ts).
  if (typeof respond !== 'function') {
    logger.warn(`a click came without a response_url, so this reply was not sent: ${reply.text.slice(0, 200)}`);
    return;
  }
  await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) }).catch(
    (e: unknown) => logger.warn('could not send an ephemeral reply through response_url', e instanceof Error ? e.message : e),
  );
}
