import type { HeadingTiming, Severity } from '../checklist.js';

/**
 * The parser's working shapes, between the markdown lines and the finished Checklist. Items keep
 * their markdown here; ids and kinds are given when the phases are built.
 */

export interface SourceLine {
  text: string;
  /** 1-based line in the file. */
  line: number;
}

/** How every step of the parser reports a problem: the orchestrator adds the file name. */
export type ReportProblem = (line: number, severity: Severity, message: string) => void;

export interface RawItem {
  md: string;
  line: number;
  indent: number;
  depth: number;
  /** Index of the parent in the same body's item list. */
  parent: number | null;
  details: string[];
  done: boolean;
  /** Set for sign-off table rows, whose role comes from the first column. */
  tableRole?: string;
}

export interface SectionDraft {
  index: number;
  title: string;
  line: number;
  implicit: boolean;
  timing: HeadingTiming | null;
  items: RawItem[];
  notes: string[];
  /** A "Rollback …" section under a phase that is not about rollback: split into its own phase. */
  rollback: boolean;
}

export interface PhaseDraft {
  title: string;
  /** Phases opened by items before any `##` take the checklist title once it is known. */
  untitled: boolean;
  line: number;
  level: number;
  timing: HeadingTiming | null;
  sections: SectionDraft[];
  /** Whether the heading's own prose already became a reference section. */
  hasReference: boolean;
  /** Held back until a rollback (parse/rollbackHeading.ts decides from the heading and front matter). */
  rollback: boolean;
}
