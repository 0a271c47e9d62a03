import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import { repairMojibake } from '../../src/domain/parse/repairMojibake.js';
import { parseChecklist } from '../../src/domain/parseChecklist.js';
import { lintCommand } from '../../src/cli/lintCommand.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/checklists/double-encoded.md');

/** What a wrong save does: the UTF-8 bytes read back as Windows-1252 (Latin-1 where 1252 has no character). */
function doubleEncode(text: string): string {
  const cp1252 = new TextDecoder('windows-1252');
  return Array.from(Buffer.from(text, 'utf8'), (b) => cp1252.decode(Uint8Array.of(b))).join('');
}

describe('repairMojibake', () => {
  it.each(['📦 Packaging', 'café', 'Renée Ångström', '— “quoted” €5 • done', '東京 release 😀', 'Ñandú ✅'])(
    'turns the double-encoded form of "%s" back into it',
    (text) => {
      const broken = doubleEncode(text);
      expect(broken).not.toBe(text);
      expect(repairMojibake(broken)).toBe(text);
    },
  );

  it.each(['José Zürich', 'the naïve approach', '東京とソウル', 'ship it 🚀📦', 'Ñandú «quoted» ±5 °C', 'Fußball Œuvre', 'plain ASCII'])(
    'leaves correct text "%s" exactly as written',
    (text) => {
      expect(repairMojibake(text)).toBe(text);
    },
  );

  it('repairs the broken part of a line and keeps the correct non-ASCII beside it', () => {
    expect(repairMojibake(`Zürich ${doubleEncode('📦')} naïve`)).toBe('Zürich 📦 naïve');
  });

  it('keeps an incomplete sequence as written rather than guessing', () => {
    expect(repairMojibake('ðŸ“ cut')).toBe('ðŸ“ cut');
  });
});

describe('a checklist saved through a wrong encoding', () => {
  const text = readFileSync(fixture, 'utf8');
  const result = parseChecklist(text, { name: 'double-encoded', source: 'double-encoded.md' });

  it('shows its headings with their emoji and its items with their accents', () => {
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.checklist.phases.map((p) => p.title)).toEqual(['📦 Packaging', '✅ Verification']);
    expect(allItems(result.checklist).map((i) => i.text)).toEqual([
      'Build the café image',
      'Tag release — “v2”',
      'Tell José Zürich, the naïve 東京 team 🚀',
      'Smoke test the Ñandú page',
    ]);
  });

  it('warns once per repaired line, with the line and the text before and after', () => {
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const repairs = result.warnings.filter((w) => w.message.startsWith('repaired double-encoded UTF-8'));
    expect(repairs.map((w) => w.line)).toEqual([3, 5, 6, 9]);
    expect(repairs[0]!.message).toContain('"## ðŸ“¦ Packaging" → "## 📦 Packaging"');
  });

  it('is named with file:line and the before/after by deployday lint, which still passes it', () => {
    const lint = lintCommand(['checklists/double-encoded.md'], () => text);
    expect(lint.exitCode).toBe(0);
    expect(lint.output).toContain('checklists/double-encoded.md:3: warning: repaired double-encoded UTF-8');
    expect(lint.output).toContain('→ "## 📦 Packaging"');
  });
});
