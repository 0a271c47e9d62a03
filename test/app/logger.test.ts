import { describe, it, expect } from 'vitest';
import { LogLevel } from '@slack/bolt';
import { redact, RedactingLogger } from '../../src/logger.js';

const ROUTING = 'abcdef0123456789ABCDEF0123456789';

function capture(secrets: string[] = [], level?: LogLevel | 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const logger = new RedactingLogger([...secrets], { write: (line) => lines.push(line) }, level);
  return { logger, lines };
}

describe('redact', () => {
  it.each<[string, string, string[], string]>([
    [
      'a configured secret, wherever it appears',
      'sig=s3cr3t-signing-value; again s3cr3t-signing-value',
      ['s3cr3t-signing-value'],
      'sig=[redacted]; again [redacted]',
    ],
    ['a configured secret with regex characters', 'key (a+b)*c? used', ['(a+b)*c?'], 'key [redacted] used'],
    ['a bot token nobody registered', 'token xoxb-123-456-AbCdEf was refused', [], 'token [redacted] was refused'],
    ['a user token', 'got xoxp-1-2-3-abc', [], 'got [redacted]'],
    ['an app-level token', 'socket xapp-1-A0B1-2345-ffee', [], 'socket [redacted]'],
    ['a PagerDuty REST token header', 'Authorization: Token token=y_NbAkKc66ryYTWUXYEu', [], 'Authorization: Token token=[redacted]'],
    ['a Bearer header', 'authorization: Bearer eyJhbGciOi.payload.sig, next', [], 'authorization: Bearer [redacted], next'],
    ['a routing key in JSON', `{"routing_key":"${ROUTING}","event_action":"trigger"}`, [], '{"routing_key":"[redacted]","event_action":"trigger"}'],
    ['a routing key in JSON with spaces', `{ "routing_key" : "${ROUTING}" }`, [], '{ "routing_key" : "[redacted]" }'],
    ['a routing key as printed by util.inspect', `{ routing_key: '${ROUTING}' }`, [], "{ routing_key: '[redacted]' }"],
    ['a routing key in JSON encoded twice', `"{\\"routing_key\\":\\"${ROUTING}\\"}"`, [], '"{\\"routing_key\\":\\"[redacted]\\"}"'],
    ['a routing key in a query string', `?routing_key=${ROUTING}&x=1`, [], '?routing_key=[redacted]&x=1'],
  ])('removes %s', (_what, input, secrets, expected) => {
    expect(redact(input, secrets)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    const text = 'run #7 started by U0LEAD001 in C0DEPLOY1: 3 of 12 items done, dedup_key deployday-7-overdue-s1';
    expect(redact(text, ['not-in-the-text'])).toBe(text);
  });

  it('ignores an empty configured secret instead of redacting between every character', () => {
    expect(redact('hello', [''])).toBe('hello');
  });
});

describe('RedactingLogger', () => {
  it('writes through its sink with the level and name', () => {
    const { logger, lines } = capture();
    logger.setName('pager');
    logger.warn('outbox', 3, 'events waiting');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z WARN \[pager\] outbox 3 events waiting$/);
  });

  it.each<[LogLevel, string[]]>([
    [LogLevel.DEBUG, ['debug', 'info', 'warn', 'error']],
    [LogLevel.INFO, ['info', 'warn', 'error']],
    [LogLevel.WARN, ['warn', 'error']],
    [LogLevel.ERROR, ['error']],
  ])('at level %s writes only that level and above', (level, written) => {
    const { logger, lines } = capture([], level);
    logger.debug('debug');
    logger.info('info');
    logger.warn('warn');
    logger.error('error');
    expect(lines.map((l) => l.split(' ').pop())).toEqual(written);
  });

  it('defaults to info and follows setLevel', () => {
    const { logger, lines } = capture();
    expect(logger.getLevel()).toBe(LogLevel.INFO);
    logger.debug('hidden');
    logger.setLevel(LogLevel.DEBUG);
    logger.debug('shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('shown');
  });

  it('accepts a level given as a plain string', () => {
    const { logger, lines } = capture([], 'error');
    logger.warn('hidden');
    logger.error('shown');
    expect(lines).toHaveLength(1);
  });

  it('scrubs configured secrets and token shapes at every level', () => {
    const { logger, lines } = capture(['my-signing-secret'], LogLevel.DEBUG);
    logger.debug('a my-signing-secret');
    logger.info('b xoxb-1-2-3');
    logger.warn('c Bearer abc.def');
    logger.error('d xapp-1-2');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toContain('[redacted]');
    expect(lines.join('\n')).not.toMatch(/my-signing-secret|xoxb-1|abc\.def|xapp-1/);
  });

  it('scrubs a token in the message and stack of an Error object', () => {
    const { logger, lines } = capture(['pd-rest-token-value']);
    const error = new Error('request with xoxb-999-888-SeCrEt failed, key pd-rest-token-value');
    logger.error('slack call failed:', error);
    expect(lines[0]).toContain('slack call failed:');
    expect(lines[0]).toContain('request with [redacted] failed');
    expect(lines[0]).not.toContain('SeCrEt');
    expect(lines[0]).not.toContain('pd-rest-token-value');
  });

  it('scrubs a routing key inside a logged object', () => {
    const { logger, lines } = capture();
    logger.info('sending', { routing_key: ROUTING, event_action: 'trigger' });
    expect(lines[0]).not.toContain(ROUTING);
  });

  it('scrubs a secret added after it was made', () => {
    const { logger, lines } = capture();
    logger.addSecret('learned-later-token');
    logger.addSecret('short');
    logger.info('learned-later-token and short');
    expect(lines[0]).toContain('[redacted] and short');
  });
});
