/**
 * What only Socket Mode has: the link itself. The core scenarios (start, click, stale view,
 * No-Go modal, commands, restart) run over both transports in their own files; here the link is
 * refreshed, disabled, cut and unreachable, and the bot must reconnect without losing or
 * double-acking a click, say so in the log, and show it in /healthz.
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeSlack } from '../support/fakeSlack.js';
import { FAKE_APP_TOKEN } from '../support/fakeSocketMode.js';
import { join } from 'node:path';
import { createDeployday } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { REPO_ROOT, startBot } from '../support/startBot.js';
import { databaseEnv } from '../support/testDatabase.js';
import { eventually, waitFor } from '../support/waitFor.js';
import { ALICE, BOB, ackText, auditRows, checkboxOf, clickItem, harnessPerTest, isTicked, itemRow, optionsIn, startRun } from './checklistHarness.js';

const open = harnessPerTest();

async function healthz(
  port: number,
): Promise<{ status: number; body: { ok: boolean; slack: { transport: string; state: string; connections: number; lastProblem: string | null } } }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: (await response.json()) as never };
}

describe('the fake Slack’s Socket Mode', () => {
  it('opens a socket only for the app-level token', async () => {
    const fake = await startFakeSlack();
    try {
      const call = (token: string) =>
        fetch(`${fake.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).then(
          (r) => r.json() as Promise<{ ok: boolean; error?: string; url?: string }>,
        );
      expect(await call(fake.botToken)).toEqual({ ok: false, error: 'not_allowed_token_type' });
      expect(await call('xapp-1-A0OTHER-1-wrong')).toEqual({ ok: false, error: 'invalid_auth' });
      const opened = await call(FAKE_APP_TOKEN);
      expect(opened.ok).toBe(true);
      expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    } finally {
      await fake.close();
    }
  });

  it('spreads envelopes over every open connection in turn, as Slack does for replicas, and none on one told to disconnect', async () => {
    const fake = await startFakeSlack();
    const clients: WebSocket[] = [];
    try {
      // Three links of one app, each acking whatever it gets, as three replicas' clients would.
      const link = async (): Promise<number> => {
        const opened = (await fetch(`${fake.apiUrl}apps.connections.open`, {
          method: 'POST',
          headers: { authorization: `Bearer ${FAKE_APP_TOKEN}` },
        }).then((r) => r.json())) as { url: string };
        const before = fake.socket.connectionLog.at(-1)?.id ?? 0;
        const ws = new WebSocket(opened.url);
        clients.push(ws);
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as { envelope_id?: string };
          if (message.envelope_id) ws.send(JSON.stringify({ envelope_id: message.envelope_id }));
        });
        return fake.socket.waitForConnection(5000, before);
      };
      const ids = [await link(), await link(), await link()];
      const sendSix = () => Promise.all(Array.from({ length: 6 }, (_, i) => fake.socket.send('slash_commands', { text: `help ${i}` })));
      await sendSix();
      expect(fake.socket.envelopes.map((e) => e.connection)).toEqual([...ids, ...ids]);
      // Links told to disconnect get nothing more: a refreshing client's fresh link takes it all.
      fake.socket.disconnect('refresh_requested');
      const fourth = await link();
      expect(fake.socket.liveConnectionIds()).toEqual([fourth]);
      await sendSix();
      expect(fake.socket.envelopes.slice(6).every((e) => e.connection === fourth)).toBe(true);
      // A test can still reach one link on purpose (a replica's warm-up), without moving the turn.
      await fake.socket.send('slash_commands', { text: 'help' }, { connection: fourth });
      await expect(fake.socket.send('slash_commands', { text: 'help' }, { connection: ids[0]! })).rejects.toThrow(/not live/);
      expect(fake.socket.acks.every((a) => a.outcome === 'ok')).toBe(true);
      expect(fake.socket.acks).toHaveLength(13);
    } finally {
      for (const ws of clients) ws.terminate();
      await fake.close();
    }
  });
});

describe('Socket Mode', () => {
  it('answers a slash command in its ack, and says so in /healthz', async () => {
    const h = await open({ transport: 'socket' });
    const response = await h.bot.slack.command('help', { user: ALICE });
    expect(ackText(response)).toContain('/deploy start');
    const [ack] = h.fake.socket.acks;
    expect(ack).toMatchObject({ outcome: 'ok', payload: expect.objectContaining({ response_type: 'ephemeral' }) });
    const envelope = h.fake.socket.envelopes[0]!;
    expect(envelope.type).toBe('slash_commands');
    expect(envelope.ackedAt, 'the command’s envelope was acked').toBeDefined();
    const health = await healthz(h.bot.port);
    expect(health.status).toBe(200);
    expect(health.body.slack).toMatchObject({ transport: 'socket', state: 'connected', connections: 1 });
    // The app-level token opened the socket; the bot token never did.
    expect(h.fake.callsTo('apps.connections.open').every((c) => c.token === FAKE_APP_TOKEN)).toBe(true);
  });

  it.each(['refresh_requested', 'link_disabled'] as const)(
    'moves to a new connection on disconnect (%s), acking every click once and losing none',
    async (reason) => {
      const h = await open({ transport: 'socket' });
      const { runId } = await startRun(h);
      // The open items of the first phase: clickable now, whatever the gates.
      const items = optionsIn(checkboxOf(h.fake, 's0.i0').message)
        .map((o) => o.value)
        .filter((id) => !isTicked(h.fake, id));
      expect(items.length).toBeGreaterThanOrEqual(2);
      // Ticks on the old connection, the disconnect, then unticks on the new one.
      const ticks = await Promise.all(items.map((id) => clickItem(h, id, { user: BOB })));
      await h.bot.bot.sync.idle();
      const oldConnection = h.fake.socket.connectionLog.at(-1)!.id;
      h.fake.socket.disconnect(reason);
      const newConnection = await h.fake.socket.waitForConnection(10_000, oldConnection);
      const unticks = await Promise.all(items.map((id) => clickItem(h, id, { user: BOB, checked: false })));

      expect([...ticks, ...unticks].every((r) => r.status === 200)).toBe(true);
      const clicks = h.fake.socket.envelopes.filter((e) => e.type === 'interactive');
      expect(clicks).toHaveLength(items.length * 2);
      for (const click of clicks) expect(h.fake.socket.acks.filter((a) => a.envelopeId === click.envelopeId)).toHaveLength(1);
      expect(h.fake.socket.acks.every((a) => a.outcome === 'ok')).toBe(true);
      expect(clicks.slice(items.length).every((c) => c.connection === newConnection)).toBe(true);
      // None lost: every tick and every untick reached the run.
      expect((await auditRows(h.db, runId, 'item.tick')).map((r) => r.target).sort()).toEqual([...items].sort());
      expect((await auditRows(h.db, runId, 'item.untick')).map((r) => r.target).sort()).toEqual([...items].sort());
      for (const id of items) expect((await itemRow(h.db, runId, id))?.done).toBe(0);
      expect(h.bot.logs.some((l) => l.includes('Socket Mode reconnected to Slack'))).toBe(true);
    },
  );

  it('reconnects by itself after an abrupt drop, and /healthz stays 200 within the grace', async () => {
    const h = await open({ transport: 'socket' });
    const before = h.fake.socket.connectionLog.at(-1)!.id;
    const droppedAt = Date.now();
    h.fake.socket.dropAll();
    const after = await h.fake.socket.waitForConnection(10_000, before);
    const reconnectMs = h.fake.socket.connectionLog.find((c) => c.id === after)!.helloAt - droppedAt;
    console.info(`[figure] Socket Mode reconnect after an abrupt drop: ${reconnectMs} ms`);
    expect((await healthz(h.bot.port)).status).toBe(200);
    const response = await h.bot.slack.command('help');
    expect(ackText(response)).toContain('/deploy');
  });

  it('answers 503 in /healthz while the socket stays down beyond the grace, and 200 once it is back', async () => {
    const h = await open({ transport: 'socket', socketGraceMs: 300 });
    h.fake.setDown(true);
    h.fake.socket.dropAll();
    await eventually(
      async () => {
        const health = await healthz(h.bot.port);
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ ok: false, slack: { state: 'connecting', lastProblem: expect.any(String) } });
      },
      { timeoutMs: 5000 },
    );
    expect(h.bot.logs.some((l) => /Socket Mode cannot reach Slack .*retrying in/.test(l))).toBe(true);
    h.fake.setDown(false);
    await eventually(async () => expect((await healthz(h.bot.port)).status).toBe(200), { timeoutMs: 5000 });
    expect(ackText(await h.bot.slack.command('help'))).toContain('/deploy');
  });
});

describe('Socket Mode with Slack unreachable at start', () => {
  it('keeps retrying with backoff, says so in the log and /healthz, and connects once Slack is back', async () => {
    const fake = await startFakeSlack();
    fake.setDown(true);
    const logs: string[] = [];
    const started = startBot({ fake, transport: 'socket', socketGraceMs: 0, logSink: { write: (l) => logs.push(l) } });
    let settled = false;
    void started.then(
      () => (settled = true),
      () => (settled = true),
    );
    try {
      await waitFor(() => logs.filter((l) => l.includes('Socket Mode cannot reach Slack')).length >= 3, {
        timeoutMs: 5000,
        message: 'three logged retries',
      });
      expect(settled).toBe(false);
      const port = Number(/GET \/healthz on port (\d+)/.exec(logs.join('\n'))?.[1]);
      const health = await healthz(port);
      expect(health.status).toBe(503);
      expect(health.body.slack).toMatchObject({ transport: 'socket', state: 'connecting', connections: 0 });
      // Backoff: the attempts spread out rather than hammering Slack.
      const delays = logs.filter((l) => l.includes('Socket Mode cannot reach Slack')).map((l) => Number(/retrying in ([\d.]+) s/.exec(l)?.[1]));
      expect(delays[1]!).toBeGreaterThan(delays[0]!);
      expect(logs.join('\n')).not.toContain(FAKE_APP_TOKEN);
      fake.setDown(false);
      const bot = await started;
      try {
        expect((await healthz(bot.port)).status).toBe(200);
        expect(ackText(await bot.slack.command('help'))).toContain('/deploy');
      } finally {
        await bot.stop();
      }
    } finally {
      await fake.close();
    }
  });
});

describe('Socket Mode with nothing listening at the Slack API address', () => {
  // The trial: "deployday failed to start: … fetch failed". Now start keeps waiting and retrying.
  it('does not fail to start on "fetch failed": it logs each retry and serves a 503 /healthz', async () => {
    const fake = await startFakeSlack();
    const closedApi = fake.apiUrl;
    await fake.close();
    const logs: string[] = [];
    const config = loadConfig({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: FAKE_APP_TOKEN,
      SLACK_API_URL: closedApi,
      PORT: '0',
      ...(await databaseEnv()),
      CHECKLISTS_DIR: join(REPO_ROOT, 'test', 'fixtures', 'checklists'),
    });
    const bot = await createDeployday(config, { logSink: { write: (l) => logs.push(l) }, socketRetry: { baseMs: 50, maxMs: 500 }, socketGraceMs: 0 });
    let outcome = 'pending';
    bot.start().then(
      () => (outcome = 'started'),
      (error: unknown) => (outcome = `failed: ${String(error)}`),
    );
    try {
      await waitFor(() => logs.filter((l) => /Socket Mode cannot reach Slack .*fetch failed.*retrying in/.test(l)).length >= 3, {
        timeoutMs: 5000,
        message: 'three logged retries',
      });
      expect(outcome).toBe('pending');
      const port = Number(/GET \/healthz on port (\d+)/.exec(logs.join('\n'))?.[1]);
      const health = await healthz(port);
      expect(health.status).toBe(503);
      expect(health.body.slack).toMatchObject({ state: 'connecting', connections: 0, lastProblem: expect.stringContaining('fetch failed') });
    } finally {
      await bot.stop();
    }
  });
});
