import { allSections, type Item, type Section } from '../domain/checklist.js';
import { DomainError } from '../domain/errors.js';
import { domainErrorText } from '../slack/views/domainErrorText.js';
import { gateRuleFor, unfilledRoles } from '../domain/gates.js';
import { LEAD, normaliseRole } from '../domain/roles.js';
import { isSettled } from '../domain/snapshotItems.js';
import type { Services } from '../service/createServices.js';

/** The made-up person who starts the rehearsal run, and its channel. */
export const REHEARSAL_USER = 'U0REHEARSE';
export const REHEARSAL_CHANNEL = 'C0REHEARSE';

/**
 * The people of a rehearsal, acting only through RunService, the same calls the Slack buttons and
 * commands make, so every rule (roles, gates, blocked sections) applies to them as it would to a team.
 * Each method returns a one-line account of what they did, for the printed timeline.
 */
export class RehearsalTeam {
  constructor(
    private readonly services: Services,
    private readonly runId: number,
  ) {}

  private get runs() {
    return this.services.queries;
  }

  /**
   * Does a section's work: ticks its tasks, signs off as the role holder, votes Go on its gates.
   * A refusal (a section blocked behind a gate, a quorum nobody can reach) is reported, not thrown.
   */
  async finishSection(sectionId: string): Promise<string> {
    const { section } = await this.locate(sectionId);
    let done = 0;
    let goVotes = 0;
    const assigned: string[] = [];
    const refused = new Set<string>();
    // Gates last, as a team would: their Go then vouches for the section's finished work.
    const ordered = [...section.items.filter((i) => i.kind !== 'gate'), ...section.items.filter((i) => i.kind === 'gate')];
    for (const item of ordered) {
      if (isSettled((await this.runs.snapshot(this.runId)).items[item.id])) continue;
      try {
        if (item.kind === 'gate') {
          const result = await this.voteGo(section, item, assigned);
          goVotes += result.votes;
          if (result.passed) done += 1;
          else refused.add(`the gate “${item.text}” is still waiting for more Go votes than its approvers can give`);
        } else {
          const userId = item.kind === 'signoff' && item.role ? await this.holderOf(item.role, assigned) : await this.lead();
          if ((await this.services.items.setItem({ runId: this.runId, itemId: item.id, done: true, userId, channelId: REHEARSAL_CHANNEL })).changed)
            done += 1;
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refused.add(domainErrorText(error));
      }
    }
    const parts = [`${section.title}: ${done} item${done === 1 ? '' : 's'} done`];
    if (goVotes > 0) parts.push(`${goVotes} Go vote${goVotes === 1 ? '' : 's'}`);
    if (assigned.length > 0) parts.push(`roles given to ${REHEARSAL_USER}: ${assigned.join(', ')}`);
    const line = parts.join(', ');
    return refused.size === 0 ? line : `${line}; refused: ${[...refused].join(' / ')}`;
  }

  /** `/deploy rollback <reason>` by the run's lead. */
  async declareRollback(reason: string): Promise<string> {
    try {
      await this.services.ending.rollback({ runId: this.runId, reason, userId: await this.lead(), channelId: REHEARSAL_CHANNEL });
      return `rollback declared by the lead: ${reason}`;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return `rollback refused: ${domainErrorText(error)}`;
    }
  }

  /** Go votes from the gate's approvers, one at a time, until it passes or nobody is left to vote. */
  private async voteGo(section: Section, item: Item, assigned: string[]): Promise<{ votes: number; passed: boolean }> {
    const snapshot = await this.runs.snapshot(this.runId);
    const rule = gateRuleFor(snapshot.run.checklist, section, item);
    const voters = [...new Set(rule.approvers.flatMap((role) => snapshot.roles[role] ?? []))];
    // Each approver role nobody holds goes to its own rehearsal person: a two-person gate needs two people.
    for (const [i, role] of unfilledRoles(rule, snapshot.roles).entries()) {
      const user = i === 0 ? REHEARSAL_USER : `${REHEARSAL_USER}${i + 1}`;
      await this.give(role, user, assigned);
      if (!voters.includes(user)) voters.push(user);
    }
    let votes = 0;
    for (const userId of voters) {
      const { outcome } = await this.services.gates.voteGate({
        runId: this.runId,
        itemId: item.id,
        vote: 'go',
        reason: null,
        confirmOpen: true,
        userId,
        channelId: REHEARSAL_CHANNEL,
      });
      votes += 1;
      if (outcome === 'passed') return { votes, passed: true };
    }
    return { votes, passed: false };
  }

  /** The first holder of `role`; when nobody holds it, the lead gives it to the rehearsal user (audited, as `/deploy role` would). */
  private async holderOf(role: string, assigned: string[]): Promise<string> {
    const holders = (await this.runs.snapshot(this.runId)).roles[normaliseRole(role)] ?? [];
    if (holders[0] !== undefined) return holders[0];
    await this.give(role, REHEARSAL_USER, assigned);
    return REHEARSAL_USER;
  }

  private async give(role: string, user: string, assigned: string[]): Promise<void> {
    await this.services.roles.setRole({
      runId: this.runId,
      role,
      targetUserId: user,
      remove: false,
      userId: await this.lead(),
      channelId: REHEARSAL_CHANNEL,
    });
    assigned.push(user === REHEARSAL_USER ? role : `${role} (to ${user})`);
  }

  /** The checklist may name the lead in its front matter; otherwise whoever started the run leads it. */
  private async lead(): Promise<string> {
    return (await this.runs.snapshot(this.runId)).roles[LEAD]?.[0] ?? REHEARSAL_USER;
  }

  private async locate(sectionId: string): Promise<{ section: Section }> {
    const found = allSections((await this.runs.requireRun(this.runId)).checklist).find((s) => s.section.id === sectionId);
    if (!found) throw new Error(`section ${sectionId} is not in the rehearsed checklist`);
    return found;
  }
}
