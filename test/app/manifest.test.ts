import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES, REDIRECT_PATH } from '../../src/slack/oauthInstall.js';

const manifest = parse(readFileSync(join(import.meta.dirname, '..', '..', 'manifest.yml'), 'utf8')) as {
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[]; request_url: string } };
};

describe('manifest.yml', () => {
  it('asks for exactly the bot scopes the OAuth install asks for', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('names the OAuth redirect URL the bot serves, and subscribes to the events that remove an installation', () => {
    expect(manifest.oauth_config.redirect_urls.map((u) => new URL(u).pathname)).toEqual([REDIRECT_PATH]);
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_uninstalled', 'tokens_revoked']);
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe('/slack/events');
  });
});
