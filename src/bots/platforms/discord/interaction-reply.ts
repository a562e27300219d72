/**
 * How a Discord reply is edited later, shared by /solve and the practice commands. The
 * interaction token that edits an original reply lives 15 minutes (it is used for 14); after
 * that, or for a message the bot posted itself, the bot edits the stored message with its own
 * token. Everything needed is in the stored reply record, so a restart can still edit it.
 */
import { InteractionWebhook, type Client, type Message, type MessageEditOptions, type SendableChannels } from 'discord.js';

/** Interaction tokens live 15 minutes; after 14 the bot edits with its own token instead. */
export const TOKEN_TTL_MS = 14 * 60_000;

/** The stored record of a reply. */
export interface InteractionReply extends Record<string, unknown> {
  channelId: string;
  /** The message to edit with the bot token. */
  messageId?: string;
  appId?: string;
  token?: string;
  tokenAt?: number;
  threadId?: string;
}

/** Whether the reply's interaction token can still edit the original reply. */
export const tokenLive = (r: InteractionReply): boolean => Boolean(r.token && Date.now() - (r.tokenAt ?? 0) < TOKEN_TTL_MS);

export async function sendableChannel(client: Client, id: string): Promise<SendableChannels> {
  const ch = await client.channels.fetch(id);
  if (!ch || !ch.isSendable()) throw new Error(`channel ${id} is not a channel the bot can post in`);
  return ch;
}

/**
 * Edits a reply: through the interaction webhook while its token lives (unless `viaToken` is
 * false), else the stored message in `channelId` (default the reply's channel). Null when there
 * is no message to edit.
 */
export async function editReply(
  client: Client,
  r: InteractionReply,
  payload: MessageEditOptions,
  { viaToken = true, channelId = r.channelId }: { viaToken?: boolean; channelId?: string } = {},
): Promise<Message | null> {
  if (viaToken && r.appId && tokenLive(r))
    return new InteractionWebhook(client as Client<true>, r.appId, r.token!).editMessage('@original', payload);
  if (!r.messageId) return null;
  const ch = await sendableChannel(client, channelId);
  if (!('messages' in ch)) return null;
  return ch.messages.edit(r.messageId, payload);
}
