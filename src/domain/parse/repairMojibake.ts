/**
 * Repairs UTF-8 that was saved through a wrong encoding: the file's bytes were read as
 * Windows-1252 (or Latin-1) and written back as UTF-8, so "📦" became "ðŸ“¦" and "é" became "Ã©".
 * Each run of characters that Windows-1252 can encode is turned back into those bytes and
 * decoded as UTF-8, one sequence at a time: only a complete, valid, non-overlong multi-byte
 * sequence that decodes to a printable character replaces the text it came from. Anything else
 * (a lone "é", "ü" in "Zürich", "ï" in "naïve", CJK, emoji) is left exactly as written.
 */

/** Windows-1252 0x80–0x9F where it differs from Latin-1. */
const CP1252_HIGH: Readonly<Record<number, number>> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
  0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
  0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
  0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

/** The byte a non-ASCII character had before it was mis-decoded, or null when it cannot be one. */
function byteOf(ch: string): number | null {
  const cp = ch.codePointAt(0)!;
  // 0x80–0xFF read as Latin-1 (which also covers the five bytes Windows-1252 leaves undefined).
  if (cp >= 0x80 && cp <= 0xff) return cp;
  return CP1252_HIGH[cp] ?? null;
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
