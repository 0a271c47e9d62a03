/**
 * The OAuth install flow as a person goes through it: our /slack/install, Slack's authorize page
 * (the strict fake), our /slack/oauth_redirect, against the real Bolt receiver, the real
 * installation store (migration 014) and AES-256-GCM sealing.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type Logger } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_SCOPES, oauthAppOptions } from '../../src/slack/oauthInstall.js';
import { prepared, type Db } from '../../src/store/db.js';
import { createInstallationStore, findInstallation, listInstallations } from '../../src/store/installations.js';
import { createTokenCipher } from '../../src/store/tokenCipher.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { slackRequestHeaders } from '../support/slackSignature.js';
import { openTestDatabase } from '../support/testDatabase.js';

const CLIENT_ID = '1111.2222';
const CLIENT_SECRET = 'client-secret-0000';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const PUBLIC_URL = 'https://deployday.example.com';

let fake: FakeSlack;
let db: Db;
let app: App;
let base: string;
const logLines: string[] = [];
const cipher = createTokenCipher(randomBytes(32));
/** Which bot token Bolt resolved for each /deploy command it received, by team. */
const tokensSeen: Array<{ team: string; token: string | undefined }> = [];

const logger: Logger = {
  debug: () => undefined,
  info: (...m: unknown[]) => void logLines.push(m.join(' ')),
  warn: (...m: unknown[]) => void logLines.push(m.join(' ')),
  error: (...m: unknown[]) => void logLines.push(m.join(' ')),
  setLevel: () => undefined,
  getLevel: () => LogLevel.INFO,
  setName: () => undefined,
};

async function startApp(oauth: { tokenRotation?: boolean; expiresInSec?: number } = {}): Promise<void> {
  fake = await FakeSlack.start({ oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appScopes: [...BOT_SCOPES], ...oauth } });
  fake.oauth.addWorkspace({ teamId: 'T0AAA', teamName: 'Alpha', channels: ['C0ALPHA'] });
  fake.oauth.addWorkspace({ teamId: 'T0BBB', teamName: 'Beta', channels: ['C0BETA'] });
  fake.oauth.addWorkspace({ teamId: 'T0GRID1', teamName: 'Grid one', enterpriseId: 'E0GRID', channels: ['C0GRID'] });
  db = await openTestDatabase(':memory:');
  app = new App({
    signingSecret: SIGNING_SECRET,
    ...oauthAppOptions({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      stateSecret: 'state-secret-for-tests',
      publicUrl: PUBLIC_URL,
      installationStore: createInstallationStore(db, cipher, () => Date.now()),
      slackApiUrl: fake.apiUrl,
      authorizationUrl: `${fake.baseUrl}/oauth/v2/authorize`,
      logger,
    }),
    logger,
    logLevel: LogLevel.INFO,
    clientOptions: { slackApiUrl: fake.apiUrl },
  });
  app.command('/deploy', async ({ ack, context, command }) => {
    tokensSeen.push({ team: command.team_id, token: context.botToken });
    await ack();
  });
  const server = (await app.start(0)) as unknown as { address(): AddressInfo };
  base = `http://127.0.0.1:${server.address().port}`;
}

/** A browser: our install link, Slack's authorize page, back to our redirect URL (through the public URL's proxy). */
async function install(
  who: { teamId: string; orgWide?: boolean; grantOnly?: string[] },
  tamper: (redirect: URL) => void = () => undefined,
): Promise<{ status: number; page: string; redirect: URL; cookie: string }> {
  const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/slack/oauth_redirect`);
  const redirect = new URL(fake.oauth.approve(authorize.toString(), who));
  tamper(redirect);
  const back = await fetch(`${base}${redirect.pathname}${redirect.search}`, { headers: { cookie } });
  return { status: back.status, page: await back.text(), redirect, cookie };
}

async function command(teamId: string): Promise<number> {
  const body = new URLSearchParams({
    command: '/deploy',
    text: 'status',
    team_id: teamId,
    user_id: 'U0ALICE',
    channel_id: 'C0ALPHA',
    trigger_id: '1.2.3',
    response_url: `${fake.baseUrl}/response/x`,
  }).toString();
  const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: slackRequestHeaders(SIGNING_SECRET, body), body });
  return res.status;
}

beforeEach(() => {
  logLines.length = 0;
  tokensSeen.length = 0;
});

afterEach(async () => {
  await app?.stop().catch(() => undefined);
  await fake?.close();
  await db?.close();
});

describe('OAuth install', () => {
  it('installs two workspaces, each with its own sealed token, and answers each with its own token', async () => {
    await startApp();
    const a = await install({ teamId: 'T0AAA' });
    expect(a.status).toBe(200);
    expect(a.page).toContain('deployday is installed');
    expect(a.page).toContain('Alpha');
    expect((await install({ teamId: 'T0BBB' })).status).toBe(200);

    expect((await listInstallations(db)).map((i) => i.tenantKey)).toEqual(['T:T0AAA', 'T:T0BBB']);
    const tokenA = (await findInstallation(db, cipher, 'T:T0AAA'))?.bot?.token;
    const tokenB = (await findInstallation(db, cipher, 'T:T0BBB'))?.bot?.token;
    expect(tokenA).toMatch(/^xoxb-T0AAA-/);
    expect(JSON.stringify(await prepared(db, 'SELECT * FROM installations').all())).not.toContain(tokenA);

    expect(await command('T0AAA')).toBe(200);
    expect(await command('T0BBB')).toBe(200);
    expect(tokensSeen).toEqual([
      { team: 'T0AAA', token: tokenA },
      { team: 'T0BBB', token: tokenB },
    ]);
    // The fake holds each token to its own workspace, as Slack does.
    const post = (token: string, channel: string) =>
      fetch(`${fake.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel, text: 'hi' }),
      }).then((r) => r.json() as Promise<{ ok: boolean; error?: string }>);
    expect(await post(tokenA!, 'C0ALPHA')).toMatchObject({ ok: true });
    expect(await post(tokenA!, 'C0BETA')).toMatchObject({ ok: false, error: 'channel_not_found' });
    fake.oauth.revoke('T:T0AAA');
    expect(await post(tokenA!, 'C0ALPHA')).toMatchObject({ ok: false, error: 'token_revoked' });
    expect(await post(tokenB!, 'C0BETA')).toMatchObject({ ok: true });
  });

  it('does not answer a workspace that never installed the app', async () => {
    await startApp();
    await install({ teamId: 'T0AAA' });
    expect(await command('T0BBB')).not.toBe(200);
    expect(tokensSeen).toEqual([]);
  });

  it('installs org-wide on Enterprise Grid under the enterprise', async () => {
    await startApp();
    const org = await install({ teamId: 'T0GRID1', orgWide: true });
    expect(org.status).toBe(200);
    expect(await listInstallations(db)).toEqual([
      { tenantKey: 'E:E0GRID', teamId: null, enterpriseId: 'E0GRID', isEnterpriseInstall: true, botTokenExpiresAt: null },
    ]);
  });

  it('refuses a forged state with a 400 page that says why, and stores nothing', async () => {
    await startApp();
    const forged = await install({ teamId: 'T0AAA' }, (redirect) => redirect.searchParams.set('state', 'forged-state'));
    expect(forged.status).toBe(400);
    expect(forged.page).toContain('This installation link has expired, was forged, or was started in another browser.');
    expect(forged.page).not.toContain('forged-state');
    expect(await listInstallations(db)).toEqual([]);
  });

  it('refuses a replayed redirect: the code works once, and the second try stores nothing new', async () => {
    await startApp();
    const first = await install({ teamId: 'T0AAA' });
    const tokenBefore = (await findInstallation(db, cipher, 'T:T0AAA'))?.bot?.token;
    const again = await fetch(`${base}${first.redirect.pathname}${first.redirect.search}`, { headers: { cookie: first.cookie } });
    expect(again.status).toBe(502);
    expect(await again.text()).toContain('Slack refused the installation (code_already_used).');
    expect((await findInstallation(db, cipher, 'T:T0AAA'))?.bot?.token).toBe(tokenBefore);
  });

  it('refuses an installation missing a required scope, listing the scopes, and stores nothing', async () => {
    await startApp();
    const partial = await install({ teamId: 'T0AAA', grantOnly: ['commands', 'chat:write', 'files:write'] });
    expect(partial.status).toBe(400);
    expect(partial.page).toContain('without the scopes chat:write.public, channels:history, groups:history');
    expect(await listInstallations(db)).toEqual([]);
  });

  it('refreshes a rotating token that is about to expire, stores the new one, and uses it', async () => {
    // Bolt refreshes a token within two hours of its expiry; one hour makes the first request refresh.
    await startApp({ tokenRotation: true, expiresInSec: 3600 });
    await install({ teamId: 'T0AAA' });
    const installed = (await findInstallation(db, cipher, 'T:T0AAA'))!.bot!;
    expect(installed.token).toMatch(/^xoxe\.xoxb-/);
    expect(installed.refreshToken).toMatch(/^xoxe-1-/);

    expect(await command('T0AAA')).toBe(200);
    const refreshed = (await findInstallation(db, cipher, 'T:T0AAA'))!.bot!;
    expect(refreshed.token).not.toBe(installed.token);
    expect(tokensSeen).toEqual([{ team: 'T0AAA', token: refreshed.token }]);
    expect(fake.callsTo('oauth.v2.access').map((c) => c.args['grant_type'] ?? 'authorization_code')).toEqual(['authorization_code', 'refresh_token']);
  });

  it('logs no token, client secret or code', async () => {
    await startApp({ tokenRotation: true, expiresInSec: 3600 });
    const { redirect } = await install({ teamId: 'T0AAA' });
    await command('T0AAA');
    const secrets = [
      CLIENT_SECRET,
      redirect.searchParams.get('code')!,
      (await findInstallation(db, cipher, 'T:T0AAA'))!.bot!.token,
      (await findInstallation(db, cipher, 'T:T0AAA'))!.bot!.refreshToken!,
    ];
    const log = logLines.join('\n');
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).toContain('installed into workspace T0AAA');
  });
});

describe('the fake Slack’s oauth.v2.access, strict like Slack', () => {
  const access = (args: Record<string, string>) =>
    fetch(`${fake.apiUrl}oauth.v2.access`, { method: 'POST', body: new URLSearchParams(args) }).then(
      (r) => r.json() as Promise<{ ok: boolean; error?: string; access_token?: string }>,
    );
  const redirectUri = `${PUBLIC_URL}/slack/oauth_redirect`;
  const codeFor = (teamId: string): string => {
    const authorize = new URL('https://slack.com/oauth/v2/authorize');
    authorize.search = new URLSearchParams({ client_id: CLIENT_ID, scope: 'commands,chat:write', redirect_uri: redirectUri, state: 's' }).toString();
    return new URL(fake.oauth.approve(authorize.toString(), { teamId })).searchParams.get('code')!;
  };

  it('refuses a wrong client secret, a redirect_uri other than the authorize request’s, and an unknown code; a code works once', async () => {
    await startApp();
    const code = codeFor('T0AAA');
    const good = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: redirectUri };
    expect(await access({ ...good, client_secret: 'not-the-secret' })).toMatchObject({ ok: false, error: 'bad_client_secret' });
    expect(await access({ ...good, client_id: '9999.9999' })).toMatchObject({ ok: false, error: 'invalid_client_id' });
    expect(await access({ ...good, redirect_uri: 'https://elsewhere.example.com/slack/oauth_redirect' })).toMatchObject({
      ok: false,
      error: 'bad_redirect_uri',
    });
    expect(await access({ ...good, code: 'code-made-up' })).toMatchObject({ ok: false, error: 'invalid_code' });
    expect(await access(good)).toMatchObject({ ok: true, access_token: expect.stringMatching(/^xoxb-T0AAA-/) });
    expect(await access(good)).toMatchObject({ ok: false, error: 'code_already_used' });
  });
});
