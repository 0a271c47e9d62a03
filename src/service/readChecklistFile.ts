import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { sep } from 'node:path';
import { formatBytes } from '../domain/parse/checklistLimits.js';

export type ReadChecklistResult = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Reads one checklist file, or says in a few words why not, never echoing what the file holds.
 * Only regular files are read: a directory, FIFO, socket or device named `x.md` is refused without
 * opening it (a FIFO would block the whole process). With `insideDir`, a symlink is followed only
 * when its real path stays inside that folder, so a link to /etc/passwd is not read. The size is
 * checked on the open file before reading, and at most one byte past the limit is ever read.
 */
export function readChecklistFile(path: string, opts: { maxFileBytes: number; insideDir?: string }): ReadChecklistResult {
  let target = path;
  try {
    const link = lstatSync(path);
    if (link.isSymbolicLink()) {
      try {
        target = realpathSync(path);
      } catch {
        return { ok: false, reason: 'is a symlink to nothing (dangling): not read' };
      }
      if (opts.insideDir !== undefined && !isInside(target, realpathSync(opts.insideDir))) {
        return { ok: false, reason: 'is a symlink to a file outside the checklists folder: not read' };
      }
    }
    // `target` is now a real path (every link resolved), so lstat sees the entry itself.
    const kind = notRegular(target === path ? link : lstatSync(target));
    if (kind !== null) return { ok: false, reason: `is ${kind}, not a checklist file: not read` };
  } catch (err) {
    return { ok: false, reason: `cannot be read (${errorCode(err)})` };
  }

  let fd: number;
  try {
    // O_NONBLOCK: should the entry turn into a FIFO after the check above, opening it cannot hang.
    fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    return { ok: false, reason: `cannot be read (${errorCode(err)})` };
  }
  try {
    const stats = fstatSync(fd);
    const kind = notRegular(stats);
    if (kind !== null) return { ok: false, reason: `is ${kind}, not a checklist file: not read` };
    if (stats.size > opts.maxFileBytes) return tooBig(opts.maxFileBytes);
    // The file may grow after fstat: read at most one byte past the limit to find out.
    const buffer = Buffer.alloc(Math.min(stats.size, opts.maxFileBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > opts.maxFileBytes) return tooBig(opts.maxFileBytes);
    return { ok: true, text: buffer.subarray(0, length).toString('utf8') };
  } catch (err) {
    return { ok: false, reason: `cannot be read (${errorCode(err)})` };
  } finally {
    closeSync(fd);
  }
}

function tooBig(max: number): ReadChecklistResult {
  return { ok: false, reason: `is larger than the limit of ${formatBytes(max)} for one file: not read` };
}

function isInside(path: string, dir: string): boolean {
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** What a non-regular entry is, in words, or null for a regular file. */
function notRegular(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unreadable';
}
