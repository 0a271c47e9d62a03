import type { ApiTokens } from '../service/apiTokens.js';
import type { Actor } from '../service/runService.js';
import type { Command } from './commandParser.js';
import { tokenCreatedText, tokenListText } from './views/tokenText.js';

/** `/deploy token create|list|revoke`: the reply is ephemeral, so the secret is seen by its creator only, once. */
export async function tokenCommand(command: Extract<Command, { kind: 'token' }>, actor: Actor, tokens: ApiTokens): Promise<string> {
  switch (command.action) {
    case 'create': {
      const { token, secret } = await tokens.create({ ...actor, name: command.name, checklistName: command.checklist });
      return tokenCreatedText(token, secret);
    }
    case 'list':
      return tokenListText(await tokens.list(actor));
    case 'revoke':
      await tokens.revoke({ ...actor, name: command.name });
      return `Revoked \`ci:${command.name}\`: calls with it now get 401.`;
  }
}
