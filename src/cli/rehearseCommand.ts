export async function rehearseCommand(_args: string[], _read: (path: string) => string): Promise<{ output: string; exitCode: number }> {
  return { output: 'deployday rehearse: not built yet', exitCode: 1 };
}
