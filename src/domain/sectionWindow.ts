/**
 * When a section of a run is meant to happen, in UTC epoch ms. Sections without
 * timing of their own get the window implied by their neighbours' order (see
 * schedule.ts), or no window at all (opensAt/closesAt null) when nothing anchors them.
 */
export interface SectionWindow {
  sectionId: string;
  phaseId: string;
  opensAt: number | null;
  closesAt: number | null;
  /** True when the window came from the section's own or its phase's heading, false when inferred from order. */
  explicit: boolean;
}

/** Where a section stands on the timeline at a moment. */
export type SectionTimelineState = 'upcoming' | 'open' | 'closing' | 'overdue' | 'missed' | 'done' | 'unscheduled' | 'blocked' | 'held';

/**
 * A window that was over before the run existed ("missed at start"): it closed at or before the
 * moment the run started. Such a window is shown as missed, never nudged and never paged: nobody
 * could have done it on time, and a page for it would fire on every late start.
 */
export function missedAtStart(window: Pick<SectionWindow, 'closesAt'> | null | undefined, runCreatedAt: number): boolean {
  return window?.closesAt != null && window.closesAt <= runCreatedAt;
}
