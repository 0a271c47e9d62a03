/**
 * Markdown (as teams write checklists) → Slack mrkdwn. Slack has its own dialect: single `*` is bold,
 * `_` italic, `~` strike, links are `<url|text>`, and `&`, `<`, `>` must be escaped or Slack reads
 * them as control sequences. Only the link and quote markup we produce keeps raw `<`, `>`.
 */

// Private-use sentinels mark our own markup while the rest of the text is still being rewritten.
const BOLD = '\uE000';
const STRIKE = '\uE001';
const SLOT_OPEN = '\uE002';
const SLOT_CLOSE = '\uE003';

/** Escapes the three characters Slack treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Markdown inline syntax stripped to plain words, for matching titles and reading timers. */
export function stripInlineMarkdown(md: string): string {
  return md
    .replace(/!?\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/g, '$1')
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.*?\S)\1/g, '$2')
    .replace(/~~(?=\S)(.*?\S)~~/g, '$1')
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, '$1$2')
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1$2')
    .replace(/`+([^`]*)`+/g, '$1')
    .trim();
}

/** Keeps a URL intact inside `<url|text>`: only the characters that would end the link are encoded. */
function safeUrl(url: string): string {
  return url.replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
}

function formatText(text: string, slots: string[]): string {
  const slot = (mrkdwn: string): string => {
    slots.push(mrkdwn);
    return `${SLOT_OPEN}${slots.length - 1}${SLOT_CLOSE}`;
  };
  let out = text
    // Images and links: the label is shown plain (Slack does not format inside link labels).
    .replace(/!?\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, label: string, url: string) =>
      slot(label.trim() === '' ? `<${safeUrl(url)}>` : `<${safeUrl(url)}|${escapeMrkdwn(stripInlineMarkdown(label))}>`),
    )
    // Markdown autolinks are already Slack links.
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, (_m, url: string) => slot(`<${safeUrl(url)}>`));
  out = escapeMrkdwn(out);
  out = out
    .replace(/\*\*(?=\S)(.*?\S)\*\*/g, `${BOLD}$1${BOLD}`)
    .replace(/(^|[^\w])__(?=\S)(.*?\S)__(?!\w)/g, `$1${BOLD}$2${BOLD}`)
    .replace(/~~(?=\S)(.*?\S)~~/g, `${STRIKE}$1${STRIKE}`)
    // Markdown `*it*` is Slack bold; `_it_` already means italic in both.
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, '$1_$2_');
  return out.replace(new RegExp(BOLD, 'g'), '*').replace(new RegExp(STRIKE, 'g'), '~');
}

/** One line of markdown inline syntax → mrkdwn. Code spans are kept (content escaped, not formatted). */
export function inlineMarkdownToMrkdwn(md: string): string {
  const slots: string[] = [];
  let out = '';
  let rest = md;
  const code = /(`+)([\s\S]*?[^`])\1(?!`)/;
  for (let m = code.exec(rest); m !== null; m = code.exec(rest)) {
    out += formatText(rest.slice(0, m.index), slots);
    // Slack only knows single-backtick code spans.
    out += `\`${escapeMrkdwn(m[2]!.trim() === '' ? m[2]! : m[2]!.replace(/^ (.*) $/, '$1'))}\``;
    rest = rest.slice(m.index + m[0].length);
  }
  out += formatText(rest, slots);
  return out.replace(new RegExp(`${SLOT_OPEN}(\\d+)${SLOT_CLOSE}`, 'g'), (_m, i: string) => slots[Number(i)] ?? '');
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Cells of a `| a | b |` row, trimmed. */
export function tableCells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

export function isTableDelimiter(row: string): boolean {
  return TABLE_DELIMITER.test(row);
}

/**
 * A block of markdown (a reference section's body, a note) → mrkdwn: fenced code stays a ``` block,
 * headings become bold lines, bullets become "•", tables become one line per row (Slack has no tables),
 * quotes keep their `>` and thematic breaks are dropped.
 */
export function markdownToMrkdwn(md: string): string {
  const lines = md.split(/\r?\n/);
  const out: Array<string | null> = [];
  let fence: string | null = null;
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\s+$/, '');
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) {
        out.push('```');
        fence = null;
      } else {
        out.push(escapeMrkdwn(raw.replace(/\s+$/, '')));
      }
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      out.push('```');
      continue;
    }
    const next = lines[index + 1];
    if (TABLE_ROW.test(line) && next !== undefined && isTableDelimiter(next)) {
      // A table's header row: bold, so the columns read as labels.
      out.push(tableCells(line).map((cell) => (cell === '' ? '' : `*${stripInlineMarkdown(cell)}*`)).join(' · '));
      continue;
    }
    out.push(blockLine(line));
  }
  if (fence !== null) out.push('```');
  return out
    .filter((line): line is string => line !== null)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function blockLine(line: string): string | null {
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return null;
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return `*${stripInlineMarkdown(heading[1]!)}*`;
  if (TABLE_ROW.test(line)) {
    if (isTableDelimiter(line)) return null;
    return tableCells(line).map(inlineMarkdownToMrkdwn).join(' · ');
  }
  const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
  if (quote) return `> ${inlineMarkdownToMrkdwn(quote[1]!)}`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]!}• ${inlineMarkdownToMrkdwn(bullet[2]!)}`;
  return inlineMarkdownToMrkdwn(line);
}
