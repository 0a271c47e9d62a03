import type { ChecklistSettings, Phase } from '../checklist.js';
import type { PlainText } from './buildPhases.js';
import type { ReportProblem } from './drafts.js';

/**
 * Front-matter `gates[].match`: every item whose text contains the match becomes a gate; if no item
 * matches, the last top-level item of each section whose title contains it becomes the gate (the
 * decision closes the section). A match that finds nothing is reported at its front matter line.
 */
export function applyGateSettings(
  phases: Phase[],
  plainText: PlainText,
  settings: ChecklistSettings,
  gateLines: number[],
  problem: ReportProblem,
): void {
  (settings.gates ?? []).forEach((gate, g) => {
    const needle = gate.match.toLowerCase();
    let matched = false;
    for (const phase of phases) {
      for (const section of phase.sections) {
        for (const item of section.items) {
          if (item.kind !== 'signoff' && (plainText.get(item) ?? item.text).toLowerCase().includes(needle)) {
            item.kind = 'gate';
            matched = true;
          }
        }
      }
    }
    if (!matched) {
      for (const phase of phases) {
        for (const section of phase.sections) {
          if (!section.title.toLowerCase().includes(needle)) continue;
          const last = section.items.filter((item) => item.depth === 0 && item.kind !== 'signoff').at(-1);
          if (last) {
            last.kind = 'gate';
            matched = true;
          }
        }
      }
    }
    if (!matched) {
      problem(gateLines[g] ?? 1, 'warning', `gate match "${gate.match}" matches no item or section title`);
    }
  });
}
