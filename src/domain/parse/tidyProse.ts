/**
 * A heading's body as its reference text: the markdown as written, without trailing blanks on
 * lines, without blank lines at either end, and with runs of blank lines cut to one.
 */
export function tidyProse(lines: string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    const text = line.trimEnd();
    if (text === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(text);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}
