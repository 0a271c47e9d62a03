/**
 * The OAuth side of the fake Slack: the authorize page, `oauth.v2.access` (code exchange and
 * token rotation), and workspaces whose tokens work only for their own team.
 *
 * Strict like Slack: client id and secret must match (in the body or as HTTP Basic), a code is
 * single-use and short-lived, the redirect_uri must be the one the authorize request carried,
 * a rotated token expires, and a token of team A cannot reach a channel of team B
 * (`channel_not_found`, as Slack answers for a channel the token's workspace does not have).
 */

export interface FakeOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Token rotation on: tokens are `xoxe.xoxb-…`, expire after expiresInSec, and come with a refresh token. */
  tokenRotation?: boolean;
  /** Seconds a rotated token lives (Slack: 43200). */
  expiresInSec?: number;
  /** Scopes the app is configured to ask for; an authorize request for others gets invalid_scope. */
  appScopes?: string[];
}

export interface FakeTenant {
  teamId: string;
  teamName: string;
  /** Set for a workspace of an Enterprise Grid org. */
  enterpriseId?: string;
  /** Channels that belong to this workspace (a token of another team cannot see them). */
  channels: string[];
  botUserId: string;
  botId: string;
}

interface IssuedCode {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  orgWide: boolean;
  userId: string;
  scopes: string[];
  redirectUri: string | undefined;
  expiresAt: number;
  used: boolean;
}

interface IssuedToken {
  /** Tenant key: 'T:<team>' or 'E:<enterprise>' for an org-wide install. */
  tenant: string;
  expiresAt: number | null;
  revoked: boolean;
}

type Result = { ok: boolean; error?: string; [key: string]: unknown };

const CODE_TTL_MS = 10 * 60_000;

export class FakeSlackOAuth {
  private readonly tenants = new Map<string, FakeTenant>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, string>();
  private counter = 0;
  private readonly config: FakeOAuthOptions | undefined;

  constructor(
    options: FakeOAuthOptions | undefined,
    private readonly now: () => number,
  ) {
    this.config = options;
  }

  /** Adds a workspace people can install the app into. */
  addWorkspace(tenant: Omit<FakeTenant, 'botUserId' | 'botId'> & Partial<Pick<FakeTenant, 'botUserId' | 'botId'>>): FakeTenant {
    const full: FakeTenant = { botUserId: `U${tenant.teamId.slice(1)}BOT`, botId: `B${tenant.teamId.slice(1)}BOT`, ...tenant };
    this.tenants.set(full.teamId, full);
    return full;
  }

  /**
   * A person on Slack's authorize page (the URL the bot redirected them to) clicks Allow for
   * `teamId` (or, with orgWide, for its whole enterprise). Returns where Slack sends the browser
   * next: the redirect_uri with code and state, or throws when Slack would show an error page.
   */
  approve(authorizeUrl: string, who: { teamId: string; userId?: string; orgWide?: boolean; grantOnly?: string[] }): string {
    const config = this.requireConfig();
    const url = new URL(authorizeUrl);
    if (url.searchParams.get('client_id') !== config.clientId) throw new Error('Slack authorize page: invalid client_id');
    const asked = (url.searchParams.get('scope') ?? '').split(',').filter(Boolean);
    // grantOnly: the workspace's admin approved only some of the scopes asked for.
    const scopes = who.grantOnly ? asked.filter((s) => who.grantOnly!.includes(s)) : asked;
    const unknown = scopes.filter((s) => config.appScopes && !config.appScopes.includes(s));
    if (unknown.length > 0) throw new Error(`Slack authorize page: invalid_scope ${unknown.join(',')}`);
    const tenant = this.tenants.get(who.teamId);
    if (!tenant) throw new Error(`no such workspace in the fake: ${who.teamId}`);
    if (who.orgWide && !tenant.enterpriseId) throw new Error('an org-wide install needs a workspace of an Enterprise Grid org');
    const redirectUri = url.searchParams.get('redirect_uri') ?? undefined;
    const code = `code-${++this.counter}-${Math.random().toString(36).slice(2)}`;
    this.codes.set(code, {
      teamId: who.orgWide ? undefined : tenant.teamId,
      enterpriseId: tenant.enterpriseId,
      orgWide: who.orgWide === true,
      userId: who.userId ?? 'U0INSTALLER',
      scopes,
      redirectUri,
      expiresAt: this.now() + CODE_TTL_MS,
      used: false,
    });
    if (!redirectUri) throw new Error('the fake needs redirect_uri in the authorize URL to know where to send the browser');
    const next = new URL(redirectUri);
    next.searchParams.set('code', code);
    const state = url.searchParams.get('state');
    if (state !== null) next.searchParams.set('state', state);
    return next.toString();
  }

  /** `oauth.v2.access`: authorization_code (default) or refresh_token. */
  access(args: Record<string, unknown>, authorization: string | undefined): Result {
    const config = this.config;
    if (!config) return { ok: false, error: 'invalid_client_id' };
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const clientId = typeof args['client_id'] === 'string' ? args['client_id'] : basicId;
    const clientSecret = typeof args['client_secret'] === 'string' ? args['client_secret'] : basicSecret;
    if (!clientId) return { ok: false, error: 'invalid_arguments' };
    if (clientId !== config.clientId) return { ok: false, error: 'invalid_client_id' };
    if (clientSecret !== config.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const grant = args['grant_type'] ?? 'authorization_code';
    if (grant === 'refresh_token') return this.refresh(args);
    if (grant !== 'authorization_code') return { ok: false, error: 'invalid_grant_type' };
    const code = this.codes.get(String(args['code'] ?? ''));
    if (!code || code.expiresAt < this.now()) return { ok: false, error: 'invalid_code' };
    if (code.used) return { ok: false, error: 'code_already_used' };
    const redirect = typeof args['redirect_uri'] === 'string' ? args['redirect_uri'] : undefined;
    if (code.redirectUri !== redirect) return { ok: false, error: 'bad_redirect_uri' };
    code.used = true;
    const tenantKey = code.orgWide ? `E:${code.enterpriseId}` : `T:${code.teamId}`;
    const tenant = this.tenantOfKey(tenantKey);
    const token = this.issueToken(tenantKey);
    return {
      ok: true,
      app_id: 'A0DEPLOY',
      authed_user: { id: code.userId },
      scope: code.scopes.join(','),
      token_type: 'bot',
      access_token: token.accessToken,
      ...(token.refreshToken ? { refresh_token: token.refreshToken, expires_in: this.expiresInSec() } : {}),
      bot_user_id: tenant?.botUserId ?? 'U0ORGBOT',
      team: code.orgWide ? null : { id: code.teamId, name: tenant?.teamName },
      enterprise: code.enterpriseId ? { id: code.enterpriseId, name: `Grid ${code.enterpriseId}` } : null,
      is_enterprise_install: code.orgWide,
    };
  }

  /** Slack revokes every token of a tenant (an uninstall, or an admin revoking tokens). */
  revoke(tenantKey: string): void {
    for (const token of this.tokens.values()) if (token.tenant === tenantKey) token.revoked = true;
  }

  /**
   * How the fake treats a token: null = not one of ours (the caller decides), or the refusal
   * Slack gives, or the tenant it may act for.
   */
  check(token: string): null | { error: string } | { tenant: string } {
    const issued = this.tokens.get(token);
    if (!issued) return null;
    if (issued.revoked) return { error: 'token_revoked' };
    if (issued.expiresAt !== null && issued.expiresAt <= this.now()) return { error: 'token_expired' };
    return { tenant: issued.tenant };
  }

  /** channel_not_found when a tenant's token names a channel of another workspace. */
  refuseChannel(tenantKey: string, channel: unknown): { ok: false; error: string } | undefined {
    if (typeof channel !== 'string') return undefined;
    for (const tenant of this.tenants.values()) {
      if (!tenant.channels.includes(channel)) continue;
      const mine = tenantKey === `T:${tenant.teamId}` || (tenant.enterpriseId !== undefined && tenantKey === `E:${tenant.enterpriseId}`);
      return mine ? undefined : { ok: false, error: 'channel_not_found' };
    }
    return undefined;
  }

  /** auth.test for a tenant's token. */
  authTest(tenantKey: string): Result {
    const tenant = this.tenantOfKey(tenantKey);
    const orgWide = tenantKey.startsWith('E:');
    return {
      ok: true,
      url: orgWide ? `https://${tenantKey.slice(2).toLowerCase()}.enterprise.slack.com/` : `https://${tenant?.teamId.toLowerCase()}.slack.com/`,
      team: orgWide ? undefined : tenant?.teamName,
      team_id: orgWide ? undefined : tenant?.teamId,
      enterprise_id: tenant?.enterpriseId,
      user_id: tenant?.botUserId ?? 'U0ORGBOT',
      bot_id: tenant?.botId ?? 'B0ORGBOT',
      is_enterprise_install: orgWide,
    };
  }

  private refresh(args: Record<string, unknown>): Result {
    const tenantKey = this.refreshTokens.get(String(args['refresh_token'] ?? ''));
    if (!tenantKey) return { ok: false, error: 'invalid_refresh_token' };
    const tenant = this.tenantOfKey(tenantKey);
    const token = this.issueToken(tenantKey, String(args['refresh_token']));
    return {
      ok: true,
      app_id: 'A0DEPLOY',
      token_type: 'bot',
      access_token: token.accessToken,
      refresh_token: token.refreshToken,
      expires_in: this.expiresInSec(),
      bot_user_id: tenant?.botUserId ?? 'U0ORGBOT',
      team: tenantKey.startsWith('T:') ? { id: tenant?.teamId, name: tenant?.teamName } : null,
      enterprise: tenant?.enterpriseId ? { id: tenant.enterpriseId } : null,
      is_enterprise_install: tenantKey.startsWith('E:'),
    };
  }

  private issueToken(tenantKey: string, refreshToken?: string): { accessToken: string; refreshToken: string | undefined } {
    const rotation = this.config?.tokenRotation === true;
    const id = `${++this.counter}${Math.random().toString(36).slice(2, 10)}`;
    const accessToken = `${rotation ? 'xoxe.' : ''}xoxb-${tenantKey.slice(2)}-${id}`;
    this.tokens.set(accessToken, { tenant: tenantKey, expiresAt: rotation ? this.now() + this.expiresInSec() * 1000 : null, revoked: false });
    if (!rotation) return { accessToken, refreshToken: undefined };
    const refresh = refreshToken ?? `xoxe-1-${tenantKey.slice(2)}-${id}`;
    this.refreshTokens.set(refresh, tenantKey);
    return { accessToken, refreshToken: refresh };
  }

  private tenantOfKey(tenantKey: string): FakeTenant | undefined {
    const id = tenantKey.slice(2);
    if (tenantKey.startsWith('T:')) return this.tenants.get(id);
    return [...this.tenants.values()].find((t) => t.enterpriseId === id);
  }

  private expiresInSec(): number {
    return this.config?.expiresInSec ?? 43_200;
  }

  private requireConfig(): FakeOAuthOptions {
    if (!this.config) throw new Error('start the fake Slack with `oauth` options to use OAuth');
    return this.config;
  }
}
