/**
 * The kinds of store statement that are valid SQLite but not PostgreSQL, each with the
 * dialect-neutral rewrite the PostgreSQL port will use (docs/high-availability-plan.md lists them
 * with their places). A failure of any other kind fails the test: a new engine-specific statement
 * is caught when it is written, not when the port starts.
 */
export interface StatementKind {
  kind: string;
  rewrite: string;
  /** One store statement of this kind, rewritten: the test prepares it on both engines. */
  example: string;
  matches(sql: string, reason: string): boolean;
}

// INSERT OR IGNORE, two-argument MAX(a, b), json_each over a JSON array parameter and a parameter
// only compared with NULL were rewritten when the store became async, and json_set on a JSON text
// column (keepPostedText) when the bot first ran on PostgreSQL (docs/high-availability-plan.md): every
// store statement now prepares on both engines, and a new one that does not fails the test.
export const STATEMENTS_THAT_DIFFER: StatementKind[] = [];
