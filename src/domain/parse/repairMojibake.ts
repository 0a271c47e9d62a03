/**
 * Repairs UTF-8 that was saved through a wrong encoding: the file's bytes were read as
 * Windows-1252 (or Latin-1) and written back as UTF-8, so "📦" became "ðŸ“¦" and "é" became "Ã©".
 * Each run of characters that Windows-1252 can encode is turned back into those bytes and
 * decoded as UTF-8, one sequence at a time: only a complete, valid, non-overlong multi-byte
 * sequence that decodes to a printable character replaces the text it came from. Anything else
 * (a lone "é", "ü" in "Zürich", "ï" in "naïve", CJK, emoji) is left exactly as written.
 */

/** Windows-1252 bytes 0x80–0x9F in order; the five it leaves undefined read as their Latin-1 controls. */
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const CP1252_HIGH: ReadonlyMap<number, number> = new Map(Array.from(CP1252_80_9F, (ch, i) => [ch.codePointAt(0)!, 0x80 + i]));

/** The byte a non-ASCII character had before it was mis-decoded, or null when it cannot be one. */
function byteOf(ch: string): number | null {
  const cp = ch.codePointAt(0)!;
  // 0x80–0xFF read as Latin-1 (which also covers the five bytes Windows-1252 leaves undefined).
  if (cp >= 0x80 && cp <= 0xff) return cp;
  return CP1252_HIGH.get(cp) ?? null;
}

/** Length of the UTF-8 sequence a lead byte starts, or 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeSequence(bytes: number[]): string | null {
  try {
    const text = decoder.decode(Uint8Array.from(bytes));
    const cp = text.codePointAt(0)!;
    // A C1 control or a replacement is never what the author meant.
    if (cp < 0xa0 || cp === 0xfffd) return null;
    return text;
  } catch {
    return null;
  }
}

/** The line with every double-encoded sequence decoded; the same string when nothing needed repair. */
export function repairMojibake(line: string): string {
  const chars = Array.from(line);
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const lead = byteOf(chars[i]!);
    const length = lead === null ? 0 : sequenceLength(lead);
    if (length > 0 && i + length <= chars.length) {
      const bytes = [lead!];
      for (let k = 1; k < length; k++) {
        const b = byteOf(chars[i + k]!);
        if (b === null || b < 0x80 || b > 0xbf) break;
        bytes.push(b);
      }
      const decoded = bytes.length === length ? decodeSequence(bytes) : null;
      if (decoded !== null) {
        out += decoded;
        i += length;
        continue;
      }
    }
    out += chars[i]!;
    i++;
  }
  return out;
}
