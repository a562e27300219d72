/** tokenizer.json loading (via @huggingface/tokenizers) and incremental detokenisation. */
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

export interface TextTokenizer {
  encode(text: string): number[];
  /** Decodes ids, keeping special tokens (step markers may be special tokens). */
  decode(ids: ArrayLike<number>): string;
  tokenToId(token: string): number | undefined;
}

const cache = new Map<string, Promise<TextTokenizer>>();

/** Loads (and caches per file) a tokenizer.json; tokenizer_config.json is read from next to it when present. */
export function loadTokenizer(tokenizerFile: string, configFile?: string): Promise<TextTokenizer> {
  const key = `${path.resolve(tokenizerFile)}|${configFile ?? ''}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = (async () => {
      const json = JSON.parse(await fs.promises.readFile(tokenizerFile, 'utf8'));
      const cfgPath = configFile ?? path.join(path.dirname(tokenizerFile), 'tokenizer_config.json');
      const cfg = fs.existsSync(cfgPath) ? JSON.parse(await fs.promises.readFile(cfgPath, 'utf8')) : {};
      return wrap(new Tokenizer(json, cfg));
    })();
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

function wrap(tok: Tokenizer): TextTokenizer {
  return {
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => (ids.length ? tok.decode(Array.from(ids), { skip_special_tokens: false, clean_up_tokenization_spaces: false }) : ''),
    tokenToId: (t) => tok.token_to_id(t),
  };
}

/**
 * Incremental detokeniser (the Hugging Face DecodeStream scheme): text is released only once the
 * bytes decode to complete characters, and a little left context is re-decoded so tokenizers that
 * strip leading spaces stay correct.
 */
export class DecodeStream {
  private ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;
  text = '';

  constructor(private readonly tok: TextTokenizer) {}

  /** Adds one token; returns the newly completed text (may be empty). */
  push(id: number): string {
    this.ids.push(id);
    const prefix = this.tok.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const full = this.tok.decode(this.ids.slice(this.prefixOffset));
    if (full.length > prefix.length && !full.endsWith('\uFFFD')) {
      const added = full.slice(prefix.length);
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      this.text += added;
      return added;
    }
    return '';
  }

  /** The full decode of every token pushed (includes any incomplete trailing bytes as U+FFFD). */
  final(): string {
    return this.tok.decode(this.ids);
  }
}
