/**
 * The platform-neutral thread model and the payload shapes the platform builders produce.
 * Everything here is plain data (JSON-serialisable except the PNG Buffers).
 */
import type { AnswerSupport } from '../engine/search/types';

/** A piece of a text block: prose, a formula, or an Asymptote diagram (not renderable). */
export type Segment =
  | { kind: 'text'; text: string }
  | {
      kind: 'math';
      /** The LaTeX inside the delimiters (for a bare `\boxed{…}` the whole command). */
      tex: string;
      display: boolean;
      /** The original text including its delimiters. */
      source: string;
    }
  | { kind: 'diagram'; source: string };

/**
 * How a text block is shown.
 *  text:    no math, or only trivial math (`$3$`), shown as plain text;
 *  image:   prose with typeset math, one PNG for the whole block;
 *  refused: some formula failed validation; shown as text with LaTeX source in code spans.
 */
export type BlockMode = 'text' | 'image' | 'refused';

export interface TextBlock {
  /** Stable id inside a thread; also the image file stem (`question`, `step-02`, `final`). */
  id: string;
  /** The original text. */
  source: string;
  segments: Segment[];
  mode: BlockMode;
  /** Why a formula or the block was refused, in words a user can read (mode 'refused'). */
  refusals: string[];
}

export interface ThreadStep {
  /** 1-based position in the thread. */
  number: number;
  /** "Step 3" or "Steps 1–2" for merged bookkeeping steps. */
  label: string;
  /** 0-based indices of the trajectory steps shown in this message. */
  sourceSteps: number[];
  explanation: TextBlock | null;
  /** Python code (comments removed), or null for a prose-only step. */
  code: string | null;
  /** What this step printed (only the new part of the cumulative program output). */
  output: { text: string; ok: boolean } | null;
  /**
   * The step's computation as display formulas (`$$\text{left} = \text{apples} - 7 = 29$$`), one
   * per assignment src/render/code-math.ts understands, with values the program printed; id
   * `step-NN-work`. Null when there is none (prose step, failed step, nothing computed).
   */
  work?: TextBlock | null;
  /** Why the step failed, when it did. */
  invalid?: string;
}

export interface Thread {
  question: TextBlock;
  /** The final answer as the search returned it (LaTeX allowed), null when none was found. */
  answer: string | null;
  /** The final answer as a block (math when it looks like LaTeX). */
  answerBlock: TextBlock | null;
  confidence: {
    /** PPM score of the winning trajectory in [-1, 1], null without a scorer. */
    score: number | null;
    voteShare: number | null;
    votes: number | null;
    totalVotes: number | null;
    /** The policy's mean probability per token of the solution it wrote (absent: not reported). */
    tokenProb?: number | null;
  };
  /** Search strategy and size, e.g. "mcts · 16 rollouts · 4 runs · 212 nodes · 12.4 s". */
  strategy: string | null;
  search: string | null;
  steps: ThreadStep[];
  /** The closing prose of the answer step ("… so the answer is \boxed{5}"), if any. */
  final: TextBlock | null;
  /** Alternatives other than the winner, most votes first. */
  alternatives: AnswerSupport[];
  /** "Other answers considered: 12 (2 votes), 15 (1 vote)" or null. */
  alternativesLine: string | null;
  cancelled: boolean;
  /** The model's note for readers (what it is reliable for), shown under the answer; null when none. */
  notice: string | null;
  /** Set when math images could not be produced: why (math is then shown as LaTeX source). */
  fallback?: string;
  /**
   * Set when the engine's abstention rule says the models are not sure of the answer: the reasons
   * in words. Every platform then shows the answer as a best guess under a plain warning.
   */
  unsure?: { reasons: string[] } | null;
}

/** A typeset block as a PNG. */
export interface BlockImage {
  blockId: string;
  /** File name to attach it as, e.g. `step-02.png`. */
  name: string;
  png: Buffer;
  width: number;
  height: number;
  /** Alt text: the block's source text (cut to 1,000 chars). */
  alt: string;
}

/** The images of one thread: by block id. Blocks without an image fall back to LaTeX source. */
export interface ImageSet {
  images: Map<string, BlockImage>;
  /** Per-block reasons an image is missing (renderer failure or refusal at render time). */
  failures: Map<string, string>;
}

// ---------------------------------------------------------------- Discord

/** A file to attach; `name` starting with `SPOILER_` is shown blurred. */
export interface DiscordFile {
  name: string;
  data: Buffer;
  /** Alt text (Discord attachment `description`, ≤ 1,024 chars). */
  description?: string;
}

/** Close to discord.js MessageCreateOptions, but plain data. The first message starts the thread. */
export interface DiscordMessage {
  platform: 'discord';
  content: string;
  files: DiscordFile[];
  allowedMentions: { parse: [] };
  components?: unknown[];
}

// ---------------------------------------------------------------- Slack

/**
 * An image in a message: a PNG uploaded (not shared) before the message is posted. The builder
 * writes `slack_file.id` as `slackFileRef(filename)`; the bot swaps in the real file id.
 */
export interface SlackImageBlock {
  type: 'image';
  slack_file: { id: string };
  /** Plain text, ≤ 2,000 characters (the block's source text). */
  alt_text: string;
  title?: { type: 'plain_text'; text: string };
}

export type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' }
  | SlackImageBlock
  | {
      type: 'actions';
      elements: { type: 'button'; text: { type: 'plain_text'; text: string }; action_id: string; value: string }[];
    };

export interface SlackFile {
  filename: string;
  data: Buffer;
  title: string;
  /** Passed as `alt_text` to files.uploadV2. */
  altText: string;
  /** mrkdwn shown in place of the image block when Slack will not show the file (LaTeX source). */
  fallback: string;
}

/**
 * One chat.postMessage (the first one is the thread parent; later ones use its thread_ts). Its
 * `files` are uploaded first without sharing them to a channel (files.uploadV2 with no
 * channel_id); its `image` blocks show them by file id. So a step's text and images are in one
 * message, in the order of `blocks`, and the thread reads in posting order.
 */
export interface SlackMessage {
  platform: 'slack';
  type: 'post';
  /** Notification / fallback text. */
  text: string;
  blocks: SlackBlock[];
  /** The PNGs the image blocks refer to, in block order. */
  files: SlackFile[];
}

export type PlatformMessage = DiscordMessage | SlackMessage;
export type Platform = 'discord' | 'slack';

export interface PlatformOptions {
  /** Hide the answer (practice mode): Discord `||…||` and SPOILER_ files; Slack a reveal button. */
  spoiler?: boolean;
}
