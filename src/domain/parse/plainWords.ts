/**
 * Markdown inline syntax stripped to plain words, for matching gates, reading timers and roles.
 * It reads like markdownToMrkdwn's stripInlineMarkdown but in time linear in the text: there, a
 * pattern per link or bold run restarts its scan at every `[` or `**`, so a line of 64 KB of `[`
 * took seconds. Here every scan position only moves forward.
 */
export function plainWords(md: string): string {
  let text = stripLinks(md);
  text = stripPairs(text, '**');
  text = stripPairs(text, '__');
  text = stripPairs(text, '~~');
  // A single `*` or `_` can only pair with the next one of its kind, so these scans stay local.
  text = text.replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, '$1$2').replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1$2');
  return stripCodeTicks(text).trim();
}

/** For each position, the first position at or after it whose character passes `test` (or the length). */
function nextWhere(text: string, test: (ch: string) => boolean): Int32Array {
  const next = new Int32Array(text.length + 1);
  next[text.length] = text.length;
  for (let i = text.length - 1; i >= 0; i--) next[i] = test(text[i]!) ? i : next[i + 1]!;
  return next;
}

const isBlank = (ch: string): boolean => /\s/.test(ch);

/**
 * `[label](url "title")`, `![alt](url)` → label; `<https://…>` → the URL. Every "where is the
 * next `]`" is looked up in a table built once, so runs of `[`, `](` or `<http:` cost no rescans.
 */
function stripLinks(md: string): string {
  if (!md.includes('[') && !md.includes('<')) return md;
  const nextClose = nextWhere(md, (ch) => ch === ']');
  const urlStop = nextWhere(md, (ch) => ch === ')' || isBlank(ch));
  const nonBlank = nextWhere(md, (ch) => !isBlank(ch));
  const nextQuote = nextWhere(md, (ch) => ch === '"');
  const autolinkStop = nextWhere(md, (ch) => ch === '>' || isBlank(ch));

  /** End (exclusive) of a `](url)` or `](url "title")` starting at `close`, or -1. */
  const targetEnd = (close: number): number => {
    if (md[close + 1] !== '(') return -1;
    const stop = urlStop[close + 2]!;
    if (md[stop] === ')') return stop + 1;
    if (stop === md.length) return -1;
    const quote = nonBlank[stop]!;
    if (md[quote] !== '"') return -1;
    const closing = nextQuote[quote + 1]!;
    return closing < md.length && md[closing + 1] === ')' ? closing + 2 : -1;
  };

  let out = '';
  let i = 0;
  while (i < md.length) {
    const ch = md[i]!;
    if (ch === '[') {
      const close = nextClose[i + 1]!;
      const end = close < md.length ? targetEnd(close) : -1;
      if (end !== -1) {
        if (md[i - 1] === '!' && out.endsWith('!')) out = out.slice(0, -1);
        out += md.slice(i + 1, close);
        i = end;
        continue;
      }
    } else if (ch === '<' && /^<(?:https?|mailto):/.test(md.slice(i, i + 9))) {
      const stop = autolinkStop[i + 1]!;
      if (md[stop] === '>' && stop > i + 1) {
        out += md.slice(i + 1, stop);
        i = stop + 1;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/**
 * `**bold**` → bold: an opener followed by a non-blank pairs with the next marker that follows a
 * non-blank. When an opener finds no closer, no later opener can, so the scan ends there.
 */
function stripPairs(text: string, marker: string): string {
  const at: number[] = [];
  for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + marker.length)) at.push(i);
  if (at.length < 2) return text;
  let out = '';
  let from = 0;
  let k = 0;
  while (k < at.length) {
    const open = at[k]!;
    if (open < from || /\s/.test(text[open + marker.length] ?? ' ')) {
      k++;
      continue;
    }
    let c = k + 1;
    while (c < at.length && (at[c]! < open + marker.length + 1 || /\s/.test(text[at[c]! - 1]!))) c++;
    if (c === at.length) break;
    out += text.slice(from, open) + text.slice(open + marker.length, at[c]!);
    from = at[c]! + marker.length;
    k = c + 1;
  }
  return out + text.slice(from);
}

/** `` `code` `` → code: each run of backticks pairs with the next run. */
function stripCodeTicks(text: string): string {
  const runs = [...text.matchAll(/`+/g)];
  if (runs.length < 2) return text;
  let out = '';
  let from = 0;
  for (let r = 0; r + 1 < runs.length; r += 2) {
    const open = runs[r]!;
    const close = runs[r + 1]!;
    out += text.slice(from, open.index) + text.slice(open.index + open[0].length, close.index);
    from = close.index + close[0].length;
  }
  return out + text.slice(from);
}
