import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Route {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Serves Bolt-style custom routes (`/api/v1/runs/:runId`) from a plain node server: in Socket Mode
 * the bot's port is not Bolt's receiver, so the pipeline API is routed here the way Bolt routes it
 * in HTTP mode (path parameters on `req.params`). Returns false when no route matched.
 */
export function serveRoute(routes: Route[], req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0]!;
  for (const route of routes) {
    if (!route.method.includes(req.method ?? '')) continue;
    const names: string[] = [];
    const pattern = route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      const raw = match[i + 1]!;
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        params[name] = raw; // a malformed escape is passed on as written; the handler refuses an unknown key
      }
    });
    (req as IncomingMessage & { params?: Record<string, string> }).params = params;
    route.handler(req, res);
    return true;
  }
  return false;
}
