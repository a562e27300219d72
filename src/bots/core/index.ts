/** The platform-neutral bots core services: config, admission, the solve job service, persistence, presentation (composed with the features in ../compose.ts). */

export * from './config';
export * from './admission';
export * from './answer-cache';
export * from './engine-loader';
export * from './jobs';
export * from './pacer';
export * from './present';
export * from './progress';
export * from './runner';
export * from './store';
