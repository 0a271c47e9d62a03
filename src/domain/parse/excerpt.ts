/** Most characters of checklist text a problem message quotes: enough to find the line, never the whole of it. */
export const EXCERPT_CHARS = 60;

/** The start of `text`, blanks collapsed, with "…" when cut. */
export function excerpt(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length <= EXCERPT_CHARS ? flat : `${flat.slice(0, EXCERPT_CHARS - 1)}…`;
}
