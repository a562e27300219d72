/** The solve feature: `/solve` and mentions, parsed (./commands.ts), answered in a thread with step reveal (./answer-thread.ts). */
export * from './mention-parser';
export * from './answer-thread';
export * from './command';
