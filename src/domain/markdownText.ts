/**
 * Plain-text readings of checklist markdown, for matching titles, reading timers and writing page
 * summaries (the domain keeps checklist text as the markdown people wrote; the Slack views turn it
 * into mrkdwn in slack/views/checklistMrkdwn.ts).
 *
 * Checklist files are hostile input, so every pattern here runs in linear time: no two unbounded
 * repeats can match the same characters (a lazy `.*?` before a closing mark, or `\s*` beside `\s*`,
 * is quadratic or worse on a long run of spaces, `*`, `_` or `[`); emphasis pairs are found by a
 * single scan instead.
 */

/** `[label](target "title")` and `![alt](target)`. The label cannot hold `[`, so each `[` scans only up to the next one. */
export const MARKDOWN_LINK = /(!?)\[([^[\]\n]*)\]\(([^()\s]*)(?:[ \t]+"[^"\n]*")?\)/g;
/** `<https://…>` and `<mailto:…>`: markdown autolinks. */
export const MARKDOWN_AUTOLINK = /<((?:https?|mailto):[^<>\s]+)>/gi;

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /\s/.test(ch);
}

function isWord(ch: string | undefined): boolean {
  return ch !== undefined && /\w/.test(ch);
}

/**
 * Replaces each pair of `delim` that wraps words (`**bold**`, `~~gone~~`) with `wrap(inner)`, in
 * one scan. An opener must be followed by a non-space, a closer preceded by one; the first opener
 * takes the first closer after it, as CommonMark does for simple cases. `wordBounded` (for `__`)
 * also asks that the pair not sit inside a word, so `db__migrate__v2` keeps its underscores.
 */
export function replaceDelimited(text: string, delim: string, wrap: (inner: string) => string, wordBounded = false): string {
  let out = '';
  let copied = 0;
  let opener = -1;
  for (let at = text.indexOf(delim); at !== -1; ) {
    const before = text[at - 1];
    const after = text[at + delim.length];
    if (opener === -1) {
      if (!isSpace(after) && after !== delim[0] && !(wordBounded && isWord(before))) opener = at;
    } else if (!isSpace(before) && before !== delim[0] && !(wordBounded && isWord(after))) {
      out += text.slice(copied, opener) + wrap(text.slice(opener + delim.length, at));
      copied = at + delim.length;
      opener = -1;
    }
    at = text.indexOf(delim, at + delim.length);
  }
  return out + text.slice(copied);
}

/** `*it*` and `_it_`: single marks wrapping words, not inside a word. Linear: `[^*]*` stops at the next mark. */
const SINGLE_STAR = /(^|[^\w*])\*(?=[^\s*])([^*\n]*[^\s*])\*(?![\w*])/g;
const SINGLE_UNDERSCORE = /(^|[^\w_])_(?=[^\s_])([^_\n]*[^\s_])_(?!\w)/g;
const CODE_SPAN = /`+([^`]*)`+/g;

/** Markdown inline syntax stripped to plain words, for matching titles and reading timers. */
export function stripInlineMarkdown(md: string): string {
  let text = md.replace(MARKDOWN_LINK, (_m, _bang: string, label: string) => label).replace(MARKDOWN_AUTOLINK, '$1');
  text = replaceDelimited(text, '**', (inner) => inner);
  text = replaceDelimited(text, '__', (inner) => inner, true);
  text = replaceDelimited(text, '~~', (inner) => inner);
  return text.replace(SINGLE_STAR, '$1$2').replace(SINGLE_UNDERSCORE, '$1$2').replace(CODE_SPAN, '$1').trim();
}

/** Cells of a `| a | b |` row, trimmed. */
export function tableCells(row: string): string[] {
  let inner = row.trim();
  if (inner.startsWith('|')) inner = inner.slice(1);
  if (inner.endsWith('|')) inner = inner.slice(0, -1);
  return inner.split('|').map((cell) => cell.trim());
}

/** `| a | b |`: a line that starts and ends with a pipe. */
export function isTableRow(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= 2 && trimmed.startsWith('|') && trimmed.endsWith('|');
}

/** `|---|:--:|`: the row under a table's header. Cell by cell, so no pattern spans the spaces. */
export function isTableDelimiter(row: string): boolean {
  return tableCells(row).every((cell) => /^:?-{2,}:?$/.test(cell));
}
