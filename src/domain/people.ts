/**
 * The people a checklist names in its own prose (issue 10): contacts, shift windows of a support
 * rota, and the escalation path. Pure data, parsed from reference sections (parse/parsePeople.ts)
 * and snapshotted with the checklist. Names stay as written; e-mails let the Slack layer turn
 * them into mentions, and a name that cannot be resolved is still shown as text.
 */

export interface Contact {
  /** "Release owner", "Database Admin"; null when the line names only a person. */
  role: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  /** 1-based line in the checklist file. */
  line: number;
}

/** A local calendar date, as the rota writes it ("Nov 3"). The year is the run's. */
export interface RotaDay {
  month: number;
  day: number;
}

/** One shift of a support rota: who is on, between which wall-clock times, on which days. */
export interface Shift {
  /** "Early", "Late"; null when the line has no label. */
  label: string | null;
  who: string;
  /** Minutes since local midnight; end <= start means the shift ends on the next day. */
  start: number;
  end: number;
  /** The window as written ("7AM-3PM"). */
  text: string;
  /** Inclusive first and last day, when the rota says ("Nov 3-6"); null = every day. */
  days: { from: RotaDay; to: RotaDay; text: string } | null;
  line: number;
}

/** One step of the escalation path, in order. */
export interface EscalationStep {
  /** 1-based position in the path. */
  level: number;
  /** "First line", when the step is labelled. */
  label: string | null;
  /** Who to go to, as written ("Support engineer on shift", "Platform lead"). */
  who: string;
  email: string | null;
  line: number;
}

export interface ChecklistPeople {
  contacts: Contact[];
  shifts: Shift[];
  escalation: EscalationStep[];
}

export const NO_PEOPLE: ChecklistPeople = { contacts: [], shifts: [], escalation: [] };
