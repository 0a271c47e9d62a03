import type { ChecklistPeople } from './people.js';

/**
 * The parsed form of a markdown deployment checklist. Pure data: the parser
 * (parseChecklist.ts) builds it, a run snapshots it as JSON at start so that
 * editing the file later never changes a run in flight.
 *
 * Shape, as teams write it:
 *   # Title
 *   ## Phase            (a group, may carry timing: "Pre-Deployment (T-7 days)")
 *   ### Section         (holds the items, may carry timing: "Morning (6:00 AM - 12:00 PM)")
 *   - [ ] item
 * Items placed directly under a `##` form a section with the phase's own title
 * (`implicit: true`), so every item always lives in exactly one section.
 */

/** A duration or offset in whole minutes (negative = before T-0). */
export type Minutes = number;

/**
 * Timing written in a heading. `offset` anchors to T-0 ("T-7 days", "T-2 hours",
 * "T-0", "T+1 day", "T+24 hours"); `clock` is a wall-clock window in the run's
 * timezone ("(12:00 PM - 2:00 PM)"); both may appear. A duration in a heading
 * ("**Decision Point** (15 minutes)") is a time box for the section.
 */
export interface HeadingTiming {
  /** Offset from T-0 in minutes, e.g. T-7 days = -10080, T+1 day = 1440, T-0 = 0. */
  offset?: Minutes;
  /** The original text of the offset, e.g. "T-7 days", for display. */
  offsetText?: string;
  /** Whole-day offsets ("T-7 days", "T+1 day") place clock windows on that day. */
  offsetIsDays?: boolean;
  /** Wall-clock window: minutes since local midnight. end <= start means it ends on the next day (12:00 AM = 24:00). */
  clock?: { start: Minutes; end: Minutes; text: string };
  /** Time box, e.g. "(15 minutes)", "(1 hour)". */
  timebox?: Minutes;
}

export type ItemKind = 'task' | 'signoff' | 'gate';

export interface Item {
  /** Stable within one checklist text: `s<sectionIndex>.i<itemIndex>` (indexes over the whole checklist). */
  id: string;
  /**
   * Item text as the author wrote it, in markdown (trimmed). The views turn it into Slack mrkdwn when
   * they render, so the domain never holds Slack syntax. Sign-off items read "<Role> sign-off".
   */
  text: string;
  /** 1-based line in the source file. */
  line: number;
  /** Nesting depth: 0 for a top-level item, 1 for an item nested under another, … */
  depth: number;
  parentId: string | null;
  /** Explicit stable key written as `{#key}` at the end of the item (see itemKeys.ts); absent = derived from the text. */
  key?: string;
  /** Indented non-task bullets and continuation lines under the item, as markdown (fenced code dedented). */
  details: string[];
  /** `[x]` in the template: the item starts done. */
  initiallyDone: boolean;
  kind: ItemKind;
  /** For sign-off items: the role that must sign ("DevOps Lead"). */
  role?: string;
  /**
   * A timer the item asks for. `watch` = "Monitor key metrics for 30 minutes" (started by a person, the bot
   * says when time is up); `timebox` = "If not recovered in 5 minutes" (fires when the box runs out).
   */
  timer?: { kind: 'watch' | 'timebox'; minutes: Minutes };
}

export interface Section {
  /** `s<index>` over the whole checklist, in file order. */
  id: string;
  title: string;
  line: number;
  /** True when the items sit directly under the phase heading. */
  implicit: boolean;
  timing: HeadingTiming | null;
  items: Item[];
  /** Non-item content as markdown: one entry per prose line or list entry, per fenced block, per table. */
  notes: string[];
}

export type PhaseKind = 'normal' | 'rollback' | 'signoff';

export interface Phase {
  /** `p<index>` in file order. */
  id: string;
  title: string;
  line: number;
  timing: HeadingTiming | null;
  /** `rollback` when the heading says "Rollback" (those sections are held back until a rollback). */
  kind: PhaseKind;
  sections: Section[];
}

/** A heading whose body has no task items (contacts, escalation path, templates, notes). */
export interface ReferenceSection {
  title: string;
  line: number;
  level: number;
  /** Body as the markdown written under the heading (blank runs cut to one, ends trimmed). */
  body: string;
}

/**
 * A heading that lists the conditions calling for a rollback ("Abort Triggers": "5xx rate above 2%").
 * Shown during the normal run, after the phase it guards, as conditions to watch with a Declare
 * rollback button; never ticked (parse/triggerHeading.ts decides which headings these are).
 */
export interface TriggerList {
  /** `t<index>` in file order. */
  id: string;
  title: string;
  line: number;
  /** The last normal phase written before it (the one it guards), or null when it comes first. */
  afterPhaseId: string | null;
  conditions: Array<{ text: string; line: number; details: string[] }>;
  /** Prose under the heading that is not a condition, as markdown. */
  notes: string[];
}

export interface EscalationLevel {
  /** Who is at this level, as written ("On-call engineer") or a role name. */
  name: string;
}

export interface GateSettings {
  /** Section or item title this setting applies to (matched case-insensitively as a substring). */
  match: string;
  /** Roles whose holders may vote. Default: ['lead', 'approver']. */
  approvers?: string[];
  /** 'one' (default), 'all', or a number of Go votes required. */
  quorum?: 'one' | 'all' | number;
}

/** A GitHub repository's environment whose deployments wait on the run's gate with this key. */
export interface GitHubTarget {
  /** `owner/name`. */
  repository: string;
  environment: string;
  /** The gate's stable key (`{#canary-go}` or its slug). */
  gate: string;
}

/** Front matter: settings the prose cannot express. All optional. */
export interface ChecklistSettings {
  /** IANA zone, e.g. "America/New_York". The samples also say "All times in UTC" in prose. */
  timezone?: string;
  /** Default role holders: role name → Slack user ids (U…). */
  roles?: Record<string, string[]>;
  /** Slack user ids who may change any role of a run, including those named under `roles`. */
  admins?: string[];
  /** Escalation path in order; from front matter or an "Escalation" section. */
  escalation?: EscalationLevel[];
  /** PagerDuty escalation policy id for `/deploy oncall`. */
  escalationPolicy?: string;
  gates?: GateSettings[];
  /** Minutes before a phase opens to say so. Default 15. */
  reminderLeadMinutes?: Minutes;
  /** Minutes between overdue nudges. Default 15. */
  overdueRepeatMinutes?: Minutes;
  /** Minutes a phase may be overdue before it is paged. Default 15. Per-section overrides by title. */
  pageGraceMinutes?: Minutes;
  sectionGraceMinutes?: Record<string, Minutes>;
  /** Signed outbound webhooks for this checklist's runs; the secret is read from the named env var at send time. */
  webhooks?: Array<{ url: string; secretEnv: string }>;
  /** Heading title → "run" (an ordinary part of the run) or "rollback" (held back until a rollback). */
  rollbackHeadings?: Record<string, 'run' | 'rollback'>;
  /** Heading title → "triggers" (a list of rollback triggers) or "run" (kept as written). */
  triggerHeadings?: Record<string, 'triggers' | 'run'>;
  /** GitHub deployments this checklist's runs gate (a GitHub App's custom deployment protection rule). */
  github?: GitHubTarget[];
  /** PagerDuty severity per page reason, over the defaults (see domain/escalationRules.ts). */
  pageSeverity?: Partial<Record<PageReasonKind, 'critical' | 'error' | 'warning' | 'info'>>;
}

/** The reasons a run pages for, as named in the `pageSeverity` front matter. */
export type PageReasonKind = 'missedWindow' | 'gateMissed' | 'noGo' | 'rollback' | 'timebox' | 'manual';

export interface Checklist {
  /** File name without `.md`. */
  name: string;
  title: string;
  /** Path the checklist was read from (for messages that name the file). */
  source: string;
  settings: ChecklistSettings;
  phases: Phase[];
  reference: ReferenceSection[];
  /** Contacts, rota shifts and escalation path written in prose; absent when the checklist names none (and in runs started before it was parsed). */
  people?: ChecklistPeople;
  /** Rollback trigger lists; absent in runs snapshotted before they existed (read it with `triggerLists`). */
  triggers?: TriggerList[];
}

/** A checklist's trigger lists ([] for a run snapshotted before they existed). */
export function triggerLists(checklist: Checklist): TriggerList[] {
  return checklist.triggers ?? [];
}

export type Severity = 'error' | 'warning';

export interface ChecklistProblem {
  file: string;
  line: number;
  severity: Severity;
  message: string;
}

export type ParseResult =
  | {
      ok: true;
      checklist: Checklist;
      warnings: ChecklistProblem[];
      /** How each heading that mentions rollback was classified, and why (printed by `deployday lint`). */
      rollbackHeadings?: Array<{ line: number; title: string; held: boolean; reason: string }>;
      /** How each heading that names triggers was classified, and why (printed by `deployday lint`). */
      triggerHeadings?: Array<{ line: number; title: string; trigger: boolean; reason: string }>;
    }
  | { ok: false; problems: ChecklistProblem[] };

/** Every section of a checklist in file order, with its phase. */
export function allSections(checklist: Checklist): Array<{ phase: Phase; section: Section }> {
  return checklist.phases.flatMap((phase) => phase.sections.map((section) => ({ phase, section })));
}

/** Every item of a checklist in file order. */
export function allItems(checklist: Checklist): Item[] {
  return allSections(checklist).flatMap(({ section }) => section.items);
}
