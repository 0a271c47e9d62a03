import type { ReportProblem, SourceLine } from './drafts.js';
import { FENCE, matchHeading } from './lineSyntax.js';

/** One heading and the lines under it, up to the next heading. The first block has no heading. */
export interface Block {
  heading: { level: number; text: string; line: number } | null;
  body: SourceLine[];
}

/** Splits the body into heading blocks; code fences hide headings. Reports fences never closed. */
export function splitBlocks(lines: SourceLine[], problem: ReportProblem): Block[] {
  const blocks: Block[] = [{ heading: null, body: [] }];
  let fence: { marker: string; line: number } | null = null;
  let inComment = false;
  for (const source of lines) {
    const { text } = source;
    const fenceMatch = FENCE.exec(text);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]![0] === fence.marker[0] && fenceMatch[1]!.length >= fence.marker.length) fence = null;
      blocks[blocks.length - 1]!.body.push(source);
      continue;
    }
    // HTML comments are notes to the checklist's editors, not to the people running it.
    if (inComment || text.trimStart().startsWith('<!--')) {
      inComment = !text.includes('-->');
      continue;
    }
    if (fenceMatch) {
      fence = { marker: fenceMatch[1]!, line: source.line };
      blocks[blocks.length - 1]!.body.push(source);
      continue;
    }
    const heading = matchHeading(text);
    if (heading) {
      blocks.push({ heading: { ...heading, line: source.line }, body: [] });
      continue;
    }
    blocks[blocks.length - 1]!.body.push(source);
  }
  if (fence !== null) {
    problem(fence.line, 'error', `code fence ${fence.marker} is never closed`);
  }
  return blocks;
}
