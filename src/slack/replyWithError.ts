import { randomBytes } from 'node:crypto';
import type { Logger } from '@slack/bolt';
import { DomainError } from '../domain/errors.js';
import { domainErrorText } from './views/domainErrorText.js';

/** A short id a person can quote and an operator can grep for in the log. */
export function newErrorId(): string {
  return `E${randomBytes(4).toString('hex').toUpperCase()}`;
}

/**
 * The one error path: a DomainError becomes its own short message (worded, and escaped, by
 * views/domainErrorText.ts); anything else becomes an error id, logged with the details that the
 * person never sees.
 */
export function errorText(error: unknown, logger: Logger, context: string): string {
  if (error instanceof DomainError) return domainErrorText(error);
  const id = newErrorId();
  logger.error(`[${id}] unexpected error in ${context}:`, error instanceof Error ? (error.stack ?? error.message) : error);
  return `Something went wrong on our side (error id \`${id}\`). Nothing you did was lost if you saw no other message; tell whoever runs deployday this id.`;
}
