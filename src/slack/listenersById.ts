import type { App } from '@slack/bolt';

// Bolt passes its listeners arguments typed per overload; the router only hands them on untouched.
// biome-ignore lint/suspicious/noExplicitAny: the arguments are Bolt's own, passed through as they are.
type Listener = (args: any) => Promise<void> | void;

/**
 * Makes `app.action('<action_id>', listener)` and `app.view('<callback_id>', listener)` share one
 * Bolt listener each, which looks the listener up by id.
 *
 * Why: Bolt runs every registered listener's middleware chain for every request, one that does not
 * match included (a copy of the arguments, a promise, the constraint check), and deployday
 * registers some twenty. Measured (issue 14, docs/performance.md): a Bolt app with 19 action
 * listeners spends about 0.8 ms more per click in Bolt's dispatch than one with 2, as much as
 * deployday's whole use case. Registering with a single string id and a single listener is routed;
 * anything else (a RegExp, listener middleware) goes to Bolt unchanged. An id registered twice is a
 * programming error and throws at startup: Bolt would have run both listeners.
 */
export function routeListenersById(app: App): void {
  const marker = app as unknown as { deploydayRouted?: boolean };
  if (marker.deploydayRouted) return;
  marker.deploydayRouted = true;
  const bolt = app as unknown as Record<'action' | 'view', (constraint: unknown, ...listeners: Listener[]) => void>;
  route(bolt, 'action', { type: 'block_actions' }, (args) => (args.action as { action_id?: unknown } | undefined)?.action_id);
  route(bolt, 'view', { type: 'view_submission' }, (args) => (args.view as { callback_id?: unknown } | undefined)?.callback_id);
}

function route(
  bolt: Record<'action' | 'view', (constraint: unknown, ...listeners: Listener[]) => void>,
  kind: 'action' | 'view',
  every: { type: string },
  idOf: (args: Record<string, unknown>) => unknown,
): void {
  const register = bolt[kind].bind(bolt);
  const byId = new Map<string, Listener>();
  bolt[kind] = (constraint: unknown, ...listeners: Listener[]) => {
    const listener = listeners[0];
    if (typeof constraint !== 'string' || listeners.length !== 1 || !listener) {
      register(constraint, ...listeners);
      return;
    }
    if (byId.has(constraint)) throw new Error(`two listeners for the ${kind} "${constraint}"`);
    // The one Bolt listener, registered with the first routed id. It matches by type alone, so ids
    // registered later (the reporting jobs') are found in the map too; not by a RegExp, which Bolt
    // would apply to an id that a hostile body sends as null or a number, and throw.
    if (byId.size === 0) {
      register(every, async (args: Record<string, unknown>) => {
        const id = idOf(args);
        const found = typeof id === 'string' ? byId.get(id) : undefined;
        if (found) await found(args);
      });
    }
    byId.set(constraint, listener);
  };
}
