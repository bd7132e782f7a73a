/**
 * The one way a button's action is written into a platform's short custom id (Discord's
 * `custom_id` holds at most 100 characters) and read back, so every adapter agrees.
 */
export interface ActionRef {
  readonly command: string;
  readonly args: string;
}

const PREFIX = 'h1:';
const MAX = 100;

/** `{command: 'flag', args: '42 recall'}` → `h1:flag:42 recall`; throws when it does not fit. */
export function encodeAction(ref: ActionRef): string {
  const id = `${PREFIX}${ref.command}:${ref.args}`;
  if (ref.command.includes(':') || id.length > MAX) throw new Error(`action "${id}" does not fit a ${MAX}-character id`);
  return id;
}

/** The action in a custom id, or undefined for ids that are not Hearth's. */
export function decodeAction(id: string): ActionRef | undefined {
  if (!id.startsWith(PREFIX)) return undefined;
  const rest = id.slice(PREFIX.length);
  const at = rest.indexOf(':');
  if (at <= 0) return undefined;
  return { command: rest.slice(0, at), args: rest.slice(at + 1) };
}
