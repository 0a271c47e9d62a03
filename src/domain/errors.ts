/**
 * An error the person who caused it can act on. Its message is shown to them as is,
 * ephemerally; anything else that escapes a handler is an unexpected error and gets an
 * error id instead (see slack/replyWithError.ts).
 */
export class DomainError extends Error {
  constructor(
    message: string,
    /** A short machine-readable reason, kept in the audit when a request is refused. */
    readonly code: string = 'invalid',
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
