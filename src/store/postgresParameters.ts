/**
 * The store's SQL is written once for both engines with better-sqlite3's parameters: `?`
 * (positional, given as arguments) and `@name` (named, given as one object). PostgreSQL numbers
 * its parameters `$1…$n`; this rewrites one text to that form and says where each value comes from.
 */
export interface PostgresText {
  /** The SQL with `$1…$n`. */
  text: string;
  /** For `$k`, sources[k - 1]: the k-th `?` among the positional arguments, or a named value. */
  sources: ReadonlyArray<{ position: number } | { name: string }>;
  /**
   * Identifiers of the SQL written with capitals (`AS gateItemId`): PostgreSQL folds an unquoted
   * name to lower case and SQLite keeps it as written, so results are given their written names back.
   */
  mixedCaseNames: ReadonlyMap<string, string>;
}

/**
 * Rewrites `sql` once (the adapter caches the result per text). Text in '…' and "…", and comments
 * (`-- …` and `/* … *\/`), are copied as they are: a `?` or `@` inside them is not a parameter.
 * A name used twice is one parameter, as in better-sqlite3.
 */
export function toPostgresText(sql: string): PostgresText {
  let text = '';
  const sources: Array<{ position: number } | { name: string }> = [];
  const named = new Map<string, number>();
  const mixedCaseNames = new Map<string, string>();
  let positional = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    const skipTo = endOfUninterpreted(sql, i);
    if (skipTo > i) {
      text += sql.slice(i, skipTo);
      i = skipTo - 1;
    } else if (c === '?') {
      sources.push({ position: positional++ });
      text += `$${sources.length}`;
    } else if (c === '@' && /\w/.test(sql[i + 1] ?? '')) {
      const name = /^@(\w+)/.exec(sql.slice(i))![1]!;
      let number = named.get(name);
      if (number === undefined) {
        sources.push({ name });
        named.set(name, (number = sources.length));
      }
      text += `$${number}`;
      i += name.length;
    } else if (/[A-Za-z_]/.test(c) && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const word = /^[A-Za-z_]\w*/.exec(sql.slice(i))![0];
      if (/[a-z]/.test(word) && /[A-Z]/.test(word)) mixedCaseNames.set(word.toLowerCase(), word);
      text += word;
      i += word.length - 1;
    } else {
      text += c;
    }
  }
  return { text, sources, mixedCaseNames };
}

/** Where quoted text or a comment that starts at `i` ends (exclusive); `i` when none starts there. */
function endOfUninterpreted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    // A doubled quote inside ('it''s') ends this run and starts the next: both are copied as they are.
    const end = sql.indexOf(c, i + 1);
    return end === -1 ? sql.length : end + 1;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  return i;
}

/**
 * The values for `$1…$n`, from arguments as better-sqlite3 takes them: positional values (an array
 * counts as its elements), then, when the SQL has named parameters, one object holding them.
 */
export function bindValues(parsed: PostgresText, params: unknown[]): unknown[] {
  if (parsed.sources.length === 0) return [];
  const positional: unknown[] = [];
  let names: Record<string, unknown> = {};
  for (const param of params) {
    if (Array.isArray(param)) positional.push(...param);
    else if (isNamedValues(param)) names = param;
    else positional.push(param);
  }
  return parsed.sources.map((source) => {
    if ('name' in source) {
      if (!(source.name in names)) throw new RangeError(`Missing named parameter "${source.name}"`);
      return names[source.name];
    }
    if (source.position >= positional.length) throw new RangeError('Too few parameter values were provided');
    return positional[source.position];
  });
}

function isNamedValues(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Date) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
