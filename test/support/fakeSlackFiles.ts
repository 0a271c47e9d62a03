/**
 * Files for the fake Slack, strict the way Slack is about the three steps of files.uploadV2:
 *
 * 1. `files.getUploadURLExternal` (filename, length): both required, length a whole number of
 *    bytes ≥ 1; answers `upload_url` and `file_id`. Without the `files:write` scope: `missing_scope`
 *    with `needed: 'files:write'`, as Slack answers a bot token installed without it.
 * 2. POST of the bytes to `upload_url` (raw, or multipart as @slack/web-api sends it): recorded;
 *    a second upload to the same URL, or one to an unknown URL, is refused (HTTP 404).
 * 3. `files.completeUploadExternal` (files: [{id, title}], channel_id, thread_ts, initial_comment):
 *    every id must be known (`file_not_found`), uploaded, with exactly the declared length
 *    (`file_upload_size_mismatch`), and completed once; the channel must exist (`channel_not_found`)
 *    and thread_ts, when given, must be a message in it (`invalid_thread_ts`).
 *
 * A completed upload is a share: tests read `shares` to see which files reached which thread. Like
 * Slack, it is also a message in the channel (in the thread, when given) carrying the files, which
 * conversations.replies shows.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

type ApiResult = { ok: boolean; error?: string; [key: string]: unknown };

export interface FakeFile {
  id: string;
  filename: string;
  length: number;
  altText: string | undefined;
  bytes: Buffer | null;
  completed: boolean;
}

export interface FileShare {
  channel: string;
  threadTs: string | undefined;
  initialComment: string | undefined;
  files: Array<{ id: string; title: string | undefined; filename: string; bytes: Buffer }>;
  at: number;
}

/** What the files module needs of the fake it belongs to. */
export interface FilesHost {
  baseUrl: string;
  now(): number;
  newId(prefix: string): string;
  resolveChannel(value: unknown): string | undefined;
  hasMessage(channel: string, ts: string): boolean;
  hasScope(scope: string): boolean;
  /** Posts the message that shares completed files (Slack's own message of the upload). */
  postShare(channel: string, threadTs: string | undefined, text: string, files: Array<{ id: string; name: string; title: string }>): void;
}

export const UPLOAD_PATH = '/upload/';

function fail(error: string, extra: Record<string, unknown> = {}): ApiResult {
  return { ok: false, error, ...extra };
}

function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class FakeSlackFiles {
  private readonly byId = new Map<string, FakeFile>();
  private readonly shareLog: FileShare[] = [];

  constructor(private readonly host: FilesHost) {}

  get files(): readonly FakeFile[] {
    return [...this.byId.values()];
  }

  get shares(): readonly FileShare[] {
    return this.shareLog;
  }

  reset(): void {
    this.byId.clear();
    this.shareLog.length = 0;
  }

  getUploadURLExternal(args: Record<string, unknown>): ApiResult {
    if (!this.host.hasScope('files:write')) return fail('missing_scope', { needed: 'files:write', provided: 'commands,chat:write' });
    const problems: string[] = [];
    const filename = typeof args['filename'] === 'string' ? args['filename'] : '';
    if (filename === '') problems.push('[ERROR] missing required field: filename');
    const raw = args['length'];
    const length = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (raw === undefined || raw === '') problems.push('[ERROR] missing required field: length');
    else if (!Number.isSafeInteger(length) || length < 1) problems.push('[ERROR] length must be a whole number of bytes above 0');
    if (problems.length > 0) return fail('invalid_arguments', { response_metadata: { messages: problems } });
    const id = this.host.newId('F');
    const altText = typeof args['alt_text'] === 'string' ? args['alt_text'] : undefined;
    this.byId.set(id, { id, filename, length, altText, bytes: null, completed: false });
    return { ok: true, upload_url: `${this.host.baseUrl}${UPLOAD_PATH}${id}`, file_id: id };
  }

  async handleUpload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBytes(req);
    const file = this.byId.get(id);
    const answer = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'POST' || !file || file.bytes !== null) return answer(404, 'not_found');
    let bytes = raw;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string');
      if (part === undefined || typeof part === 'string') return answer(400, 'no file in the form');
      bytes = Buffer.from(await part.arrayBuffer());
    }
    file.bytes = bytes;
    answer(200, `OK - ${bytes.length}`);
  }

  completeUploadExternal(args: Record<string, unknown>): ApiResult {
    if (!this.host.hasScope('files:write')) return fail('missing_scope', { needed: 'files:write', provided: 'commands,chat:write' });
    let files: unknown = args['files'];
    if (typeof files === 'string') {
      try {
        files = JSON.parse(files);
      } catch {
        return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] files must be a JSON array'] } });
      }
    }
    if (!Array.isArray(files) || files.length === 0)
      return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: files'] } });
    const entries: Array<{ file: FakeFile; title: string | undefined }> = [];
    for (const entry of files as Array<{ id?: unknown; title?: unknown }>) {
      const file = typeof entry?.id === 'string' ? this.byId.get(entry.id) : undefined;
      if (!file || file.completed) return fail('file_not_found');
      if (file.bytes === null || file.bytes.length !== file.length) return fail('file_upload_size_mismatch');
      entries.push({ file, title: typeof entry.title === 'string' ? entry.title : undefined });
    }
    let channel: string | undefined;
    if (args['channel_id'] !== undefined) {
      channel = this.host.resolveChannel(args['channel_id']);
      if (!channel) return fail('channel_not_found');
    }
    const threadTs = typeof args['thread_ts'] === 'string' && args['thread_ts'] !== '' ? args['thread_ts'] : undefined;
    if (threadTs !== undefined && (!channel || !this.host.hasMessage(channel, threadTs))) return fail('invalid_thread_ts');
    for (const { file } of entries) file.completed = true;
    if (channel) {
      const comment = typeof args['initial_comment'] === 'string' ? args['initial_comment'] : '';
      this.host.postShare(
        channel,
        threadTs,
        comment,
        entries.map(({ file, title }) => ({ id: file.id, name: file.filename, title: title ?? file.filename })),
      );
      this.shareLog.push({
        channel,
        threadTs,
        initialComment: typeof args['initial_comment'] === 'string' ? args['initial_comment'] : undefined,
        files: entries.map(({ file, title }) => ({ id: file.id, title, filename: file.filename, bytes: file.bytes! })),
        at: this.host.now(),
      });
    }
    return {
      ok: true,
      files: entries.map(({ file, title }) => ({ id: file.id, title: title ?? file.filename, name: file.filename, size: file.length })),
    };
  }
}
