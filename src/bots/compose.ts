/**
 * The composition root of the bots: builds the core services (store, solve service, image maker)
 * and the features on top of them (practice, /check) from a validated config. Platforms receive
 * the result; core services never import features.
 */
import { createEngine, type Engine } from '../engine/index';
import type { BotConfig } from './core/config';
import { SolveService, type ServiceParts, type SolveServiceOptions } from './core/jobs';
import { ChromiumImageMaker, type ImageMaker } from './core/present';
import { SqliteStore, type BotStore } from './core/store';
import { PracticeService, type PracticeOptions } from './features/practice/service';
import { CheckService } from './features/check/check';

export interface BotCore {
  config: BotConfig;
  service: SolveService;
  store: BotStore;
  images: ImageMaker;
  /** Practice threads and /check (src/bots/features/practice, src/bots/features/check). */
  practice: PracticeService;
  check: CheckService;
  close(opts?: { drain?: boolean }): Promise<void>;
}

export interface CoreOverrides {
  /** The engine to use (tests: engineFrom(scripted parts)); default createEngine() with the config's models. */
  engine?: () => Promise<Engine>;
  store?: BotStore;
  images?: ImageMaker;
  progressIntervalMs?: number;
  searchOverrides?: SolveServiceOptions['searchOverrides'];
  log?: (msg: string) => void;
  /** Services chosen at start-up (src/bots/scale: remote runner, shared limits) and observers (src/ops). */
  scale?: ServiceParts;
  /** Practice settings (tests: short minutes, fast countdown). */
  practice?: Partial<PracticeOptions>;
}

/** Builds the store, the solve service and the image maker from a validated config. */
export function createCore(config: BotConfig, o: CoreOverrides = {}): BotCore {
  const store = o.store ?? new SqliteStore(config.dbPath, { maxAnswers: config.cacheSize });
  const images = o.images ?? new ChromiumImageMaker();
  const service = new SolveService({
    engine:
      o.engine ??
      (() =>
        createEngine({
          policyDir: config.policyDir,
          scorerDir: config.scorerDir,
          workers: config.workers,
        })),
    store,
    limits: config.limits,
    defaultStrategy: config.defaultStrategy,
    defaultBudget: config.defaultBudget,
    maxBudget: config.maxBudget,
    progressIntervalMs: o.progressIntervalMs,
    searchOverrides: o.searchOverrides,
    log: o.log,
    ...o.scale,
  });
  const pc = config.practice;
  const practice = new PracticeService(service, config.dbPath, {
    ...(pc ? { files: pc.files, dataDir: pc.dataDir, moderators: pc.moderators, maxAttempts: pc.maxAttempts, hintCost: pc.hintCost } : {}),
    ...(o.log ? { log: o.log } : {}),
    ...o.practice,
  });
  const check = new CheckService(service, practice.bank);
  return {
    config,
    service,
    store,
    images,
    practice,
    check,
    async close(opts) {
      await practice.close();
      await service.close(opts);
      await images.close();
      store.close();
    },
  };
}
