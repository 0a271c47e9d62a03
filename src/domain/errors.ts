/** The values an error carries for the Slack layer to word: ids, counts, and text a person or checklist wrote. */
export type DomainErrorParams = Readonly<Record<string, string | number | boolean | null | readonly string[] | readonly number[]>>;

/**
 * An error the person who caused it can act on. It is data: a code and its parameters; the Slack
 * layer words it (slack/views/domainErrorText.ts) and escapes every parameter a person typed, so no
 * service or domain code writes mrkdwn. Anything else that escapes a handler is an unexpected error
 * and gets an error id instead (see slack/replyWithError.ts).
 */
export class DomainError extends Error {
  /** A short machine-readable reason, kept in the audit when a request is refused. */
  readonly code: string;
  readonly params: DomainErrorParams;

  constructor(code: string, params?: DomainErrorParams);
  /**
   * @deprecated Pre-worded errors (message first, then code) from code not yet moved to codes and
   * parameters (the checklist catalog, paging, checkbox diffs). Their text is shown escaped, as
   * plain text, under the `text` parameter.
   */
  constructor(message: string, code: string);
  constructor(first: string, second?: DomainErrorParams | string) {
    const legacy = typeof second === 'string';
    const code = legacy ? second : first;
    const params: DomainErrorParams = legacy ? { text: first } : (second ?? {});
    // The message is for logs and tests only; people see domainErrorText's wording.
    super(legacy ? first : `${code} ${JSON.stringify(params)}`);
    this.name = 'DomainError';
    this.code = code;
    this.params = params;
  }
}
