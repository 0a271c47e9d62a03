/**
 * Whether a Slack user id looks like a stand-in someone forgot to replace: `U0000APPR1`,
 * `U00000000` (a run of zeros), `U0XXXX` (a run of X), `UPLACEHOLDER`, `U12345678` (counting
 * digits). A checklist shipped with these makes a gate wait on people who do not exist.
 * Real ids are random-looking (`U012ABCDEF`, `W0A1B2C3D4`), so none of these patterns fits them.
 */
export function isPlaceholderId(id: string): boolean {
  const body = id.slice(1).toUpperCase();
  if (/^0{3,}/.test(body)) return true;
  if (/X{3,}/.test(body)) return true;
  if (/PLACEHOLDER|CHANGEME|REPLACE|EXAMPLE|DUMMY|FIXME|TODO/.test(body)) return true;
  if (/(0123456|1234567|2345678|3456789)/.test(body)) return true;
  return /^(.)\1{5,}$/.test(body);
}

/** Every id a front matter's `roles:` and `admins:` give, with the YAML path to report it at. */
export function frontMatterUserIds(data: Record<string, unknown>): Array<{ id: string; path: Array<string | number>; where: string }> {
  const out: Array<{ id: string; path: Array<string | number>; where: string }> = [];
  const collect = (value: unknown, path: Array<string | number>, where: string): void => {
    if (typeof value === 'string') out.push({ id: value, path, where });
    else if (Array.isArray(value)) value.forEach((v, i) => typeof v === 'string' && out.push({ id: v, path: [...path, i], where }));
  };
  const roles = data['roles'];
  if (roles && typeof roles === 'object' && !Array.isArray(roles)) {
    for (const [role, ids] of Object.entries(roles as Record<string, unknown>)) collect(ids, ['roles', role], `role "${role}"`);
  }
  collect(data['admins'], ['admins'], 'admins');
  return out;
}
