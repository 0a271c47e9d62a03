/**
 * The one escaping rule of every view. Slack reads `<…>` in mrkdwn as a control sequence: `<!channel>`,
 * `<!here>`, `<!everyone>`, `<!subteam^…>` and `<@U…>` notify people, `<url|label>` is a link whose
 * label can be anything. So text that came from a person (`escapeMrkdwn`) or a checklist file
 * (`checklistInline`, `checklistBlock`, `checklistTitle`) never reaches Slack with a raw `<`, `>` or
 * `&`; the only `<…>` a view emits from it are links this module builds, and those:
 * - point at an http(s) or mailto target (anything else is shown as text, target included);
 * - never wear a label that looks like another address: a link written
 *   `[https://good.example.com](https://evil.example/phish)` is shown as its real target.
 * Mentions and date tokens are built by the views themselves, from ids and times the bot holds.
 *
 * Checklist text stays markdown in the domain; this module is where it becomes Slack mrkdwn (single
 * `*` bold, `_` italic, `~` strike, `<url|text>` links). Its patterns run in linear time (see
 * domain/markdownText.ts for why that matters with hostile files).
 */
import {
  MARKDOWN_AUTOLINK,
  MARKDOWN_LINK,
  isTableDelimiter,
  isTableRow,
  replaceDelimited,
  stripInlineMarkdown,
  tableCells,
} from '../../domain/markdownText.js';

/** Escapes Slack's three control characters in text a person typed (reasons, names); entities already escaped stay as they are. */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&(?!(?:amp|lt|gt);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

// Private-use sentinels: our own markup, kept apart while the rest of the text is rewritten.
const BOLD = '\uE000';
const STRIKE = '\uE001';
const SLOT_OPEN = '\uE002';
const SLOT_CLOSE = '\uE003';
const SENTINELS = /[\uE000-\uE003]/g;

/** Keeps a URL intact inside `<url|text>`: only the characters that would end the link are encoded. */
function safeUrl(url: string): string {
  return url.replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
}

function isLinkTarget(target: string): boolean {
  return /^(?:https?:\/\/[^\s/]|mailto:[^\s@]+@)/i.test(target);
}

/**
 * A label that reads as an address of its own (a URL, `www.…`, a domain or an e-mail address): shown
 * as a link label it would disguise where the link goes.
 */
function looksLikeAddress(label: string): boolean {
  const text = label.trim();
  if (/[a-z][a-z0-9+.-]*:\/\/|\bwww\./i.test(text)) return true;
  if (/^(?:mailto:)?[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(text)) return true;
  return /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/:?#]\S*)?$/i.test(text);
}

/** A markdown link or image, as mrkdwn: a real link to an http(s)/mailto target, otherwise text. */
function linkMrkdwn(label: string, target: string): string {
  const words = stripInlineMarkdown(label.replace(SENTINELS, ''));
  if (!isLinkTarget(target)) {
    const shown = words === '' ? target : target === '' ? words : `${words} (${target})`;
    return escapeMrkdwn(shown);
  }
  if (words === '' || looksLikeAddress(words)) return `<${safeUrl(target)}>`;
  return `<${safeUrl(target)}|${escapeMrkdwn(words)}>`;
}

const SINGLE_STAR = /(^|[^\w*])\*(?=[^\s*])([^*\n]*[^\s*])\*(?![\w*])/g;

function formatText(text: string, slots: string[]): string {
  const slot = (mrkdwn: string): string => {
    slots.push(mrkdwn);
    return `${SLOT_OPEN}${slots.length - 1}${SLOT_CLOSE}`;
  };
  let out = text
    .replace(SENTINELS, '')
    .replace(MARKDOWN_LINK, (_m, _bang: string, label: string, target: string) => slot(linkMrkdwn(label, target)))
    .replace(MARKDOWN_AUTOLINK, (_m, url: string) => slot(`<${safeUrl(url)}>`));
  out = escapeMrkdwn(out);
  out = replaceDelimited(out, '**', (inner) => `${BOLD}${inner}${BOLD}`);
  out = replaceDelimited(out, '__', (inner) => `${BOLD}${inner}${BOLD}`, true);
  out = replaceDelimited(out, '~~', (inner) => `${STRIKE}${inner}${STRIKE}`);
  // Markdown `*it*` is Slack bold; `_it_` already means italic in both.
  out = out.replace(SINGLE_STAR, '$1_$2_');
  return out.replace(/\uE000/g, '*').replace(/\uE001/g, '~');
}

/**
 * Splits a line into text and code spans in one pass: a run of n backticks opens a span that the
 * next run of exactly n closes (unmatched runs stay text).
 */
function codeSpans(md: string): Array<{ code: boolean; text: string }> {
  const runs: Array<{ at: number; length: number }> = [];
  for (let i = 0; i < md.length; ) {
    if (md[i] !== '`') {
      i += 1;
      continue;
    }
    let j = i;
    while (md[j] === '`') j += 1;
    runs.push({ at: i, length: j - i });
    i = j;
  }
  // For each run, the index of the next run of the same length (found right to left, so linear).
  const nextSame = new Array<number>(runs.length).fill(-1);
  const lastOfLength = new Map<number, number>();
  for (let k = runs.length - 1; k >= 0; k -= 1) {
    nextSame[k] = lastOfLength.get(runs[k]!.length) ?? -1;
    lastOfLength.set(runs[k]!.length, k);
  }
  const parts: Array<{ code: boolean; text: string }> = [];
  let copied = 0;
  for (let k = 0; k < runs.length; k += 1) {
    const run = runs[k]!;
    if (run.at < copied) continue;
    const close = nextSame[k]!;
    if (close === -1) continue;
    const end = runs[close]!;
    parts.push({ code: false, text: md.slice(copied, run.at) });
    parts.push({ code: true, text: md.slice(run.at + run.length, end.at) });
    copied = end.at + end.length;
    k = close;
  }
  parts.push({ code: false, text: md.slice(copied) });
  return parts;
}

/** One line of checklist markdown (an item, a table cell) → mrkdwn. Code spans are kept, their content escaped. */
export function checklistInline(md: string): string {
  const slots: string[] = [];
  let out = '';
  for (const part of codeSpans(md)) {
    if (!part.code) {
      out += formatText(part.text, slots);
      continue;
    }
    // Slack only knows single-backtick code spans, and reads no markup inside them.
    const inner = part.text.replace(SENTINELS, '');
    const trimmed = inner.trim() === '' ? inner : inner.replace(/^ (.*) $/s, '$1');
    out += `\`${escapeMrkdwn(trimmed).replace(/`/g, 'ˋ')}\``;
  }
  return out.replace(/\uE002(\d+)\uE003/g, (_m, i: string) => slots[Number(i)] ?? '');
}

/**
 * A title from the checklist (checklist, phase, section, reference) as mrkdwn: its plain words,
 * escaped. Titles are shown inside our own bold or link markup, so they carry no markup of their own.
 */
export function checklistTitle(md: string): string {
  return escapeMrkdwn(stripInlineMarkdown(oneLine(md).replace(SENTINELS, '')));
}

/** Lines joined by single spaces. Split, not a pattern with spaces on both sides of the break: that is quadratic on a long run of spaces. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/**
 * Checklist markdown as plain words on one line, for plain_text fields (headers, modal titles).
 * Slack reads no markup there, but angle brackets become ‹ › all the same: a header's words are
 * also quoted in mrkdwn (the notification fallback), and `<!channel>` must not be there to copy.
 */
export function checklistPlain(md: string): string {
  return stripInlineMarkdown(oneLine(md).replace(SENTINELS, '')).replace(/</g, '‹').replace(/>/g, '›');
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * A block of checklist markdown (notes, an item's details) → mrkdwn: fenced code stays a ``` block,
 * headings become bold lines, bullets become "•", tables become one line per row (Slack has no
 * tables), quotes keep their `>` and thematic breaks are dropped.
 */
export function checklistBlock(md: string): string {
  const lines = md.split(/\r?\n/);
  const out: string[] = [];
  let fence: string | null = null;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trimEnd();
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) {
        out.push('```');
        fence = null;
      } else {
        out.push(escapeMrkdwn(line.replace(SENTINELS, '')).replace(/```/g, 'ˋˋˋ'));
      }
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      out.push('```');
      continue;
    }
    const next = lines[index + 1];
    if (isTableRow(line) && next !== undefined && isTableRow(next) && isTableDelimiter(next)) {
      // A table's header row: bold, so the columns read as labels.
      out.push(
        tableCells(line)
          .map((cell) => (cell === '' ? '' : `*${checklistTitle(cell)}*`))
          .join(' · '),
      );
      continue;
    }
    const converted = blockLine(line);
    if (converted !== null) out.push(converted);
  }
  if (fence !== null) out.push('```');
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function isThematicBreak(line: string): boolean {
  if (!/^ {0,3}[-*_]/.test(line)) return false;
  return /^([-*_])\1{2,}$/.test(line.replace(/[ \t]/g, ''));
}

function blockLine(line: string): string | null {
  if (isThematicBreak(line)) return null;
  const heading = /^ {0,3}#{1,6}(?:[ \t]|$)/.exec(line);
  if (heading) {
    // The closing #s of "## Title ##" go; a # glued to a word ("C#") stays.
    const title = checklistTitle(
      line
        .slice(heading[0].length)
        .trim()
        .replace(/(?:^|[ \t])#+$/, ''),
    );
    return title === '' ? null : `*${title}*`;
  }
  if (isTableRow(line)) {
    if (isTableDelimiter(line)) return null;
    return tableCells(line).map(checklistInline).join(' · ');
  }
  const quote = /^ {0,3}>[ \t]?/.exec(line);
  if (quote) return `> ${checklistInline(line.slice(quote[0].length))}`;
  const bullet = /^([ \t]*)[-*+][ \t]+/.exec(line);
  if (bullet) return `${bullet[1]!}• ${checklistInline(line.slice(bullet[0].length))}`;
  return checklistInline(line);
}
