import { describe, it, expect } from 'vitest';
import {
  buildResolveEvent,
  buildTriggerEvent,
  dedupKeyFor,
  MAX_SUMMARY_LENGTH,
  truncateSummary,
  validatePageEvent,
  withoutRoutingKey,
  withRoutingKey,
  type PageEvent,
} from '../../src/domain/pageEvent.js';

const KEY = 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12';

const trigger = (overrides: Partial<Parameters<typeof buildTriggerEvent>[0]> = {}): PageEvent =>
  buildTriggerEvent({
    routingKey: KEY,
    dedupKey: 'deployday:run-12:overdue:s3',
    summary: 'Run #12: section "Database migration" is 20 min overdue',
    source: 'deployday',
    severity: 'error',
    ...overrides,
  });

describe('buildTriggerEvent', () => {
  it('builds an Events API v2 trigger that validates', () => {
    const event = trigger({
      component: 'checkout-api',
      group: 'payments',
      class: 'deployment',
      links: [{ href: 'https://example.slack.com/archives/C1/p1', text: 'Run channel' }],
      customDetails: { run: 12, section: 'Database migration' },
    });
    expect(event).toEqual({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'deployday:run-12:overdue:s3',
      payload: {
        summary: 'Run #12: section "Database migration" is 20 min overdue',
        source: 'deployday',
        severity: 'error',
        component: 'checkout-api',
        group: 'payments',
        class: 'deployment',
        custom_details: { run: 12, section: 'Database migration' },
      },
      links: [{ href: 'https://example.slack.com/archives/C1/p1', text: 'Run channel' }],
    });
    expect(validatePageEvent(event)).toEqual([]);
  });

  it('leaves optional fields out instead of sending them as undefined', () => {
    const event = trigger();
    expect(Object.keys(event.payload ?? {}).sort()).toEqual(['severity', 'source', 'summary']);
    expect('links' in event).toBe(false);
  });

  it('cuts a summary longer than 1024 characters to 1024, ending in an ellipsis, and still validates', () => {
    const event = trigger({ summary: 'x'.repeat(5000) });
    const summary = event.payload?.summary ?? '';
    expect(summary).toHaveLength(MAX_SUMMARY_LENGTH);
    expect(summary.endsWith('…')).toBe(true);
    expect(validatePageEvent(event)).toEqual([]);
  });

  it('keeps a summary of exactly 1024 characters as it is', () => {
    const summary = 'y'.repeat(MAX_SUMMARY_LENGTH);
    expect(trigger({ summary }).payload?.summary).toBe(summary);
  });
});

describe('truncateSummary', () => {
  it('never splits a surrogate pair at the cut', () => {
    const text = `${'a'.repeat(MAX_SUMMARY_LENGTH - 2)}🚀🚀🚀`;
    const cut = truncateSummary(text);
    expect(cut.length).toBeLessThanOrEqual(MAX_SUMMARY_LENGTH);
    expect(cut.endsWith('…')).toBe(true);
    // No lone high surrogate before the ellipsis.
    const before = cut.charCodeAt(cut.length - 2);
    expect(before >= 0xd800 && before <= 0xdbff).toBe(false);
  });
});

describe('buildResolveEvent', () => {
  it('builds a resolve that carries only the routing key, action and dedup key', () => {
    const event = buildResolveEvent({ routingKey: KEY, dedupKey: 'deployday:run-12:overdue:s3' });
    expect(event).toEqual({ routing_key: KEY, event_action: 'resolve', dedup_key: 'deployday:run-12:overdue:s3' });
    expect(validatePageEvent(event)).toEqual([]);
  });
});

describe('routing key handling', () => {
  it('drops the routing key for storage and puts it back at send time', () => {
    const stored = withoutRoutingKey(trigger());
    expect(JSON.stringify(stored)).not.toContain(KEY);
    expect(withRoutingKey(stored, KEY)).toEqual(trigger());
  });
});

describe('validatePageEvent', () => {
  it('refuses a routing key that is not 32 characters without echoing it', () => {
    const problems = validatePageEvent({ ...trigger(), routing_key: 'short-secret-key' });
    expect(problems).toEqual(['routing_key must be 32 characters (got 16 characters)']);
    expect(problems.join(' ')).not.toContain('short-secret-key');
    expect(validatePageEvent({ ...trigger(), routing_key: `${KEY}X` })).toHaveLength(1);
  });

  it('refuses an unknown event_action', () => {
    expect(validatePageEvent({ ...trigger(), event_action: 'escalate' })).toEqual(['event_action must be one of trigger, acknowledge, resolve']);
  });

  it('accepts a dedup key of 255 characters and refuses 256', () => {
    expect(validatePageEvent({ ...trigger(), dedup_key: 'k'.repeat(255) })).toEqual([]);
    expect(validatePageEvent({ ...trigger(), dedup_key: 'k'.repeat(256) })).toEqual(['dedup_key must be at most 255 characters (got 256)']);
  });

  it('requires a dedup key to resolve', () => {
    expect(validatePageEvent({ routing_key: KEY, event_action: 'resolve' })).toEqual(['dedup_key is required to resolve']);
  });

  it('refuses a summary over 1024 characters, a missing source and an unknown severity', () => {
    const event = trigger();
    const bad = { ...event, payload: { ...event.payload, summary: 's'.repeat(1025), source: '', severity: 'sev1' } };
    expect(validatePageEvent(bad)).toEqual([
      'payload.summary must be at most 1024 characters (got 1025)',
      'payload.source is required',
      'payload.severity must be one of critical, error, warning, info',
    ]);
  });

  it('requires a payload to trigger', () => {
    const { payload: _payload, ...rest } = trigger();
    expect(validatePageEvent(rest)).toEqual(['payload is required to trigger']);
  });

  it('accepts every documented severity', () => {
    for (const severity of ['critical', 'error', 'warning', 'info'] as const) {
      expect(validatePageEvent(trigger({ severity }))).toEqual([]);
    }
  });

  it('refuses links that are not {href, text} with an http(s) href', () => {
    expect(validatePageEvent({ ...trigger(), links: 'https://example.com' })).toEqual(['links must be an array of {href, text}']);
    expect(
      validatePageEvent({
        ...trigger(),
        links: [
          { href: 'not a url', text: 'x' },
          { href: 'https://ok.example', text: 3 },
        ],
      }),
    ).toEqual(['links[0].href must be an http(s) URL', 'links[1].text must be a string']);
  });

  it('refuses an event larger than 512 KB', () => {
    const event = trigger({ customDetails: { log: 'z'.repeat(600 * 1024) } });
    const problems = validatePageEvent(event);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^event is \d+ bytes; PagerDuty accepts at most 524288$/);
  });

  it('refuses something that is not an object', () => {
    expect(validatePageEvent(null)).toEqual(['event must be an object']);
    expect(validatePageEvent([])).toEqual(['event must be an object']);
  });
});

describe('dedupKeyFor', () => {
  it('joins the run id and a safe reason as is', () => {
    expect(dedupKeyFor(12, 'overdue:s3')).toBe('deployday:run-12:overdue:s3');
  });

  it('is deterministic', () => {
    expect(dedupKeyFor(7, 'Gate "Go/No-Go" failed!')).toBe(dedupKeyFor(7, 'Gate "Go/No-Go" failed!'));
  });

  it('slugs an unsafe reason to safe characters and tells apart reasons that slug alike', () => {
    const a = dedupKeyFor(7, 'Gate Go/No-Go');
    const b = dedupKeyFor(7, 'gate go no go');
    expect(a).toMatch(/^deployday:run-7:gate-go-no-go-[0-9a-f]{10}$/);
    expect(b).toMatch(/^deployday:run-7:gate-go-no-go-[0-9a-f]{10}$/);
    expect(a).not.toBe(b);
  });

  it('stays within 255 characters for a very long reason and still differs by reason', () => {
    const long1 = dedupKeyFor(123456, `${'x'.repeat(400)}one`);
    const long2 = dedupKeyFor(123456, `${'x'.repeat(400)}two`);
    expect(long1.length).toBeLessThanOrEqual(255);
    expect(long1).toMatch(/^[a-z0-9:._-]+$/);
    expect(long1).not.toBe(long2);
  });

  it('gives a key even when nothing of the reason is safe', () => {
    expect(dedupKeyFor(3, '🔥🔥')).toMatch(/^deployday:run-3:[0-9a-f]{10}$/);
  });

  it('keeps different runs apart', () => {
    expect(dedupKeyFor(1, 'overdue:s3')).not.toBe(dedupKeyFor(11, 'overdue:s3'));
  });

  it('refuses a run id that is not a non-negative integer', () => {
    expect(() => dedupKeyFor(1.5, 'x')).toThrow(RangeError);
    expect(() => dedupKeyFor(-1, 'x')).toThrow(RangeError);
  });
});
