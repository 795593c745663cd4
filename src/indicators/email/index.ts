/**
 * Raw email parsing and indicator extraction. `parseEmail` runs in-process (tests, CLI);
 * the server uses `createParsePool`, which runs the same pipeline in worker threads with a time limit.
 */
export { parseEmail } from './parse-email';
export { createParsePool, type ParsePool, type ParsePoolOptions } from './parse-pool';
export * from './types';
