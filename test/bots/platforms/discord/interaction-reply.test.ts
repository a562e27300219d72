/** Editing a stored Discord reply: webhook token while it lives, then the bot's own token. */
import type { Client } from 'discord.js';
import { editReply, TOKEN_TTL_MS, tokenLive, type InteractionReply } from '../../../../src/bots/platforms/discord/interaction-reply';

/** A client whose channel 'c1' records message edits and whose REST (the webhook path) records calls. */
function fakeClient() {
  const edits: { channel: string; id: string; content?: string }[] = [];
  const rest: string[] = [];
  const client = {
    options: {},
    channels: {
      fetch: async (id: string) => ({
        isSendable: () => true,
        messages: {
          edit: async (mid: string, p: { content?: string }) => (edits.push({ channel: id, id: mid, content: p.content }), { id: mid }),
        },
      }),
    },
    rest: {
      patch: async (route: string) => {
        rest.push(route);
        throw new Error('webhook path taken');
      },
    },
  } as unknown as Client;
  return { client, edits, rest };
}

const reply = (age: number, extra: Partial<InteractionReply> = {}): InteractionReply => ({
  channelId: 'c1',
  messageId: 'm1',
  appId: 'app',
  token: 'tok',
  tokenAt: Date.now() - age,
  ...extra,
});

describe('editReply', () => {
  test('a token younger than 14 minutes is live; an older one or none is not', () => {
    expect(tokenLive(reply(60_000))).toBe(true);
    expect(tokenLive(reply(TOKEN_TTL_MS + 1000))).toBe(false);
    expect(tokenLive(reply(0, { token: undefined }))).toBe(false);
  });

  test('after the token expires the stored message is edited with the bot token', async () => {
    const { client, edits, rest } = fakeClient();
    const msg = await editReply(client, reply(TOKEN_TTL_MS + 1000), { content: 'done' });
    expect(msg).toEqual({ id: 'm1' });
    expect(edits).toEqual([{ channel: 'c1', id: 'm1', content: 'done' }]);
    expect(rest).toEqual([]);
  });

  test('a live token edits through the interaction webhook unless told not to; then the given channel', async () => {
    const { client, edits, rest } = fakeClient();
    await expect(editReply(client, reply(1000), { content: 'x' })).rejects.toThrow('webhook path taken');
    expect(rest).toHaveLength(1);
    await editReply(client, reply(1000), { content: 'y' }, { viaToken: false, channelId: 'thread9' });
    expect(edits).toEqual([{ channel: 'thread9', id: 'm1', content: 'y' }]);
  });

  test('nothing to edit without a live token or a stored message', async () => {
    const { client, edits } = fakeClient();
    expect(await editReply(client, reply(TOKEN_TTL_MS + 1000, { messageId: undefined }), { content: 'z' })).toBeNull();
    expect(edits).toEqual([]);
  });
});
