/**
 * Slack messages with typeset math: the PNGs are uploaded first without sharing them anywhere
 * (files.uploadV2 with no channel_id: getUploadURLExternal, the upload, completeUploadExternal),
 * then ONE chat.postMessage (or chat.update) shows text and images together through Block Kit
 * `image` blocks with `slack_file: { id }`. A file shared into a thread appears whenever Slack has
 * processed it, possibly after a later post; an image block is part of its message, so what a
 * reader sees is in posting order, and each step is one message.
 */
import type { WebClient } from '@slack/web-api';
import { resolveSlackFiles, slackBlocksAsText } from '../../../render/slack';
import type { SlackBlock, SlackFile, SlackMessage } from '../../../render/types';

/**
 * Waits between tries of a post whose files Slack has not finished processing. Slack completes
 * uploads asynchronously: for a moment after completeUploadExternal a block naming the file is
 * refused with `invalid_blocks` ("invalid slack file"). After the last wait the message goes out
 * with the images as text (LaTeX source), so the thread keeps its order and loses nothing.
 */
export const IMAGE_RETRY_MS = [300, 700, 1_500, 3_000, 6_000];

/** Uploads PNGs without sharing them; returns file name → Slack file id. */
export async function uploadUnshared(client: WebClient, files: SlackFile[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (files.length === 0) return ids;
  const res = (await client.files.uploadV2({
    file_uploads: files.map((f) => ({ file: f.data, filename: f.filename, title: f.title, alt_text: f.altText })),
  } as never)) as unknown as { files?: { files?: { id?: string }[] }[] };
  // one completeUploadExternal for all of them (same destination: none); it lists them in order
  const done = (res.files ?? []).flatMap((c) => c.files ?? []);
  if (done.length !== files.length || done.some((f) => !f.id))
    throw new Error(`files.uploadV2 returned ${done.length} files for ${files.length}`);
  files.forEach((f, i) => ids.set(f.filename, done[i].id as string));
  return ids;
}

const refusedFile = (err: unknown): boolean => {
  const data = (err as { data?: { error?: string; errors?: unknown } })?.data;
  return data?.error === 'invalid_blocks' && /slack_file|slack file|image/i.test(JSON.stringify(data.errors ?? ''));
};

export interface DeliverOptions {
  retryMs?: number[];
  log?: (m: string) => void;
  /** Runs the post itself (e.g. inside the channel pacer); default: at once. */
  schedule?: <T>(fn: () => Promise<T>) => Promise<T>;
}

/**
 * Uploads the message's files, then calls `post` with the final blocks (images by file id, then
 * `extra`): the files are complete before the message that shows them is posted.
 */
export async function deliver<T>(
  client: WebClient,
  m: SlackMessage,
  extra: SlackBlock[],
  post: (blocks: SlackBlock[]) => Promise<T>,
  o: DeliverOptions = {},
): Promise<T> {
  const schedule = o.schedule ?? (<R>(fn: () => Promise<R>) => fn());
  if (m.files.length === 0) return schedule(() => post([...m.blocks, ...extra]));
  let blocks: SlackBlock[];
  try {
    blocks = resolveSlackFiles(m.blocks, await uploadUnshared(client, m.files));
  } catch (err) {
    o.log?.(`upload failed, images go as text: ${(err as Error)?.message ?? err}`);
    return schedule(() => post([...slackBlocksAsText(m), ...extra]));
  }
  const waits = o.retryMs ?? IMAGE_RETRY_MS;
  return schedule(async () => {
    for (let i = 0; ; i++) {
      try {
        return await post([...blocks, ...extra]);
      } catch (err) {
        if (!refusedFile(err)) throw err;
        if (i >= waits.length) {
          o.log?.(`Slack did not accept the uploaded images; posting them as text`);
          return post([...slackBlocksAsText(m), ...extra]);
        }
        await new Promise((r) => setTimeout(r, waits[i]));
      }
    }
  });
}
