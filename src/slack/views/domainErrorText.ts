import type { DomainError, DomainErrorParams } from '../../domain/errors.js';
import { escapeMrkdwn } from './checklistMrkdwn.js';
import { mention } from './noticeText.js';
import { slackDayTime } from './slackDate.js';

/**
 * The one place a DomainError is worded for the person who caused it. Every parameter that came
 * from a person or a checklist (a run ref, a role name, a reason, item text, a time zone) is
 * escaped; mentions are made only of user ids the bot recorded (role holders, leads).
 */
export function domainErrorText(error: DomainError): string {
  const p = error.params;
  const text = (key: string): string => escapeMrkdwn(String(p[key] ?? ''));
  const people = (key: string): string => list(p[key]).map(mention).join(', ');
  // Errors still worded where they are thrown (DomainError's second constructor) carry their text: shown as plain text.
  if (typeof p.text === 'string') return escapeMrkdwn(p.text);
  switch (error.code) {
    case 'unknown_run':
      return `There is no run #${num(p.runId)}${p.inChannel ? ' in this channel' : ''}.`;
    case 'bad_run_id':
      return `“${text('ref')}” is not a run id; run ids look like #12.`;
    case 'no_active_run':
      return 'There is no active run in this channel. Start one with `/deploy start <checklist>`.';
    case 'ambiguous_run': {
      const ids = list(p.runIds);
      const names = list(p.names);
      const runs = ids.map((id, i) => `#${escapeMrkdwn(id)} ${escapeMrkdwn(names[i] ?? '')}`).join(', ');
      return `There are ${ids.length} active runs here (${runs}); say which, e.g. \`/deploy status #${escapeMrkdwn(ids[0] ?? '')}\`.`;
    }
    case 'wrong_channel':
      return `Run #${num(p.runId)} belongs to another channel.`;
    case 'run_ended': {
      // "run #N finished at …": a late click on an old copy of a message learns when and how the run ended.
      const verb = p.status === 'aborted' ? 'aborted' : p.status === 'rolled_back' ? 'finished (rolled back)' : 'finished';
      const at = typeof p.endedAt === 'number' ? ` at ${slackDayTime(p.endedAt)}` : '';
      return `Run #${num(p.runId)} ${verb}${at}; nothing more can change on it. \`/deploy export #${num(p.runId)}\` gives its record.`;
    }
    case 'bad_timezone':
      return `“${text('timezone')}” is not a time zone I know; use an IANA name such as Europe/London.`;
    case 'bad_time':
    case 'bad_duration':
      return text('message');
    case 'confirm_t0_move':
      return `${p.why === 'past' ? `That puts T-0 of run #${num(p.runId)} in the past (${slackDayTime(Number(p.to))}), so every window before it would be overdue at once` : `That moves T-0 of run #${num(p.runId)} by more than a week, to ${slackDayTime(Number(p.to))}`}. Nothing changed: to go ahead, repeat the command with \`confirm\` at the end.`;
    case 'zero_slip':
      return 'A slip of 0 minutes changes nothing.';
    case 'held':
      return 'Rollback steps open only once a rollback is declared (`/deploy rollback <reason>`).';
    case 'blocked':
      return p.sectionTitle === null || p.sectionTitle === undefined
        ? 'An earlier gate has not passed yet, so this one cannot be decided.'
        : `🔒 “${text('sectionTitle')}” is blocked until the gate “${text('gateText')}” passes.`;
    case 'gate':
      return 'This is a Go/No-Go gate: vote with its Go or No-Go button.';
    case 'not_role_holder': {
      const role = text('role');
      return list(p.holders).length
        ? `Only the ${role} can sign this off (${people('holders')}).`
        : `Only the ${role} can sign this off; nobody holds that role yet — the lead can assign it with \`/deploy role "${role}" @person\`.`;
    }
    case 'no_timer':
      return 'That item has no timer.';
    case 'not_gate':
      return 'That item is not a Go/No-Go gate.';
    case 'not_approver':
      return `Only ${list(p.approvers).map(escapeMrkdwn).join(' or ')} can vote on this gate (the checklist's approvers). \`/deploy roles\` shows who holds them; a role is given with \`/deploy role <role> @person\`.`;
    case 'gate_decided':
      return `This gate has already ${p.outcome === 'passed' ? 'passed' : 'failed'}, so it takes no more votes.`;
    case 'gate_not_open':
      return `“${text('sectionTitle')}” is not open yet: its gate can be decided from ${slackDayTime(Number(p.opensAt))}, once the work it vouches for has started.`;
    case 'gate_closed':
      return `“${text('sectionTitle')}” closed ${slackDayTime(Number(p.closedAt))}, so its gate can no longer be decided. To decide it, move the run first (\`/deploy slip <duration>\`).`;
    case 'confirm_go_open': {
      const open = Number(p.open);
      return `${open} item${open === 1 ? ' is' : 's are'} of “${text('sectionTitle')}” still open. Nothing was recorded: to say Go anyway, click “Go with ${open} open”.`;
    }
    case 'not_lead':
      return 'Only the run’s lead can assign roles.';
    case 'token_not_lead':
      return 'Only the lead of a run in this channel (or a deployday admin) can create or revoke pipeline tokens.';
    case 'bad_token_name':
      return 'A token name is lower-case letters, digits, `.`, `_` and `-` (at most 40), e.g. `github-actions`.';
    case 'token_exists':
      return `This channel already has a token named \`${text('name')}\`. Revoke it first with \`/deploy token revoke ${text('name')}\`.`;
    case 'unknown_token':
      return `This channel has no live token named \`${text('name')}\`; \`/deploy token list\` shows them.`;
    case 'named_role': {
      const holders = list(p.holders).length ? ` (held by ${people('holders')})` : '';
      return `*${text('role')}* is named in the checklist, so only someone who holds it${holders} or a deployday admin can change who holds it.`;
    }
    case 'not_lead_or_approver':
      return `Only the lead or an approver can do that on run #${num(p.runId)}${list(p.leads).length ? ` (lead: ${people('leads')})` : ''}.`;
    case 'no_run_role':
      return `Only people with a role on run #${num(p.runId)} (lead, approver, on-call or a sign-off role) can post its updates${list(p.leads).length ? `; the lead (${people('leads')}) can give you one with \`/deploy role on-call @you\`` : ''}.`;
    case 'update_empty':
      return 'The update is empty: write the message before posting it.';
    case 'update_too_long':
      return `The update is ${num(p.chars)} characters; Slack takes at most ${num(p.max)} in one update. Shorten it, or post it in two.`;
    case 'unknown_template':
      return `That template is not in run #${num(p.runId)}’s checklist; \`/deploy ref\` lists its sections.`;
    case 'unknown_reference':
      return `That section is not in run #${num(p.runId)}’s checklist; \`/deploy ref\` lists its reference sections.`;
    case 'already_rolling_back':
      return `Run #${num(p.runId)} is already rolling back (${p.reason ? text('reason') : 'no reason given'}).`;
    case 'gate_undecided': {
      const key = typeof p.gateRef === 'string' ? `${escapeMrkdwn(p.gateRef)} ` : '';
      return `The gate “${text('gateText')}” has not been decided, so run #${num(p.runId)} cannot finish. Decide it, or waive it with a reason: \`/deploy waive gate ${key}<reason>\` (someone who may decide the gate).`;
    }
    case 'waive_needs_reason':
      return `Say why the gate “${text('gateText')}” is waived: \`/deploy waive gate ${p.gateRef ? `${text('gateRef')} ` : ''}<reason>\`. The reason goes in the audit.`;
    case 'gate_to_waive_unclear': {
      // One line a gate: its number, its text and section, and its key when it has a usable one.
      const [numbers, keys, sections] = [list(p.numbers), list(p.keys), list(p.sections)];
      const lines = list(p.texts).map((gateText, i) => {
        const key = keys[i] ? `, or \`${escapeMrkdwn(keys[i])}\`` : '';
        return `${escapeMrkdwn(numbers[i] ?? '?')}. “${escapeMrkdwn(gateText)}” in ${escapeMrkdwn(sections[i] ?? '')}${key}`;
      });
      return `Run #${num(p.runId)} has ${lines.length} undecided gates; say which one to waive, by its number or key: \`/deploy waive gate ${escapeMrkdwn(numbers[0] ?? '1')} <reason>\`.\n${lines.join('\n')}`;
    }
    case 'gate_settled':
      return `The gate “${text('gateText')}” of run #${num(p.runId)} is already decided or waived; only an undecided gate can be waived.`;
    case 'no_undecided_gate':
      return `Run #${num(p.runId)} has no undecided gate to waive. Open items are waived when the run finishes: \`/deploy finish waive <reason>\`.`;
    case 'unknown_trigger':
      return `That list of rollback triggers is not one run #${num(p.runId)} has.`;
    case 'no_condition':
      return `Pick the condition you saw from “${text('title')}”.`;
    case 'items_open': {
      const count = Number(p.count);
      return `${count} item${count === 1 ? ' is' : 's are'} still open (first: “${text('firstText')}”). Finish them, or waive them with \`/deploy finish waive <reason>\`.`;
    }
    case 'unknown_section':
      return 'That reminder is not one I recognise.';
    case 'unknown_checklist': {
      const names = list(p.available);
      return `There is no checklist called “${text('name')}”. ${names.length ? `Available: ${names.map((n) => `\`${escapeMrkdwn(n)}\``).join(', ')}.` : 'The checklists folder is empty.'}`;
    }
    case 'broken_checklist':
      return `Checklist \`${text('name')}\` has errors and cannot start${p.line !== undefined && p.line !== null ? `: ${text('name')}.md:${num(p.line)}: ${text('problem')}` : '.'} Run \`npx deployday lint ${text('name')}.md\` in the checklists folder for all of them.`;
    case 'paging_off':
      return 'Paging is off: set PAGERDUTY_ROUTING_KEY to the integration key of a PagerDuty Events API v2 integration and restart deployday. Until then, call the on-call engineer directly.';
    case 'page_run_ended':
      return `Run #${num(p.runId)} has ended; page without naming it (\`/deploy page <message>\`) or page PagerDuty directly if you still need someone.`;
    default:
      return `That did not work (${escapeMrkdwn(error.code)}).`;
  }
}

function list(value: DomainErrorParams[string] | undefined): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function num(value: DomainErrorParams[string] | undefined): string {
  return escapeMrkdwn(String(value ?? '?'));
}
