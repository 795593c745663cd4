/**
 * Optional trigger: reload the model repository when its files change (a new version copied in, a
 * version removed). Changes are debounced so a half-copied version is not loaded mid-copy; a version
 * caught mid-copy fails its checks and is retried on the next change.
 */
import { type FSWatcher, watch } from 'node:fs';
import type { Logger } from 'pino';
import type { ModelRepository } from './model-repository';

const SETTLE_MS = 1000;

export function watchRepository(dir: string, repository: ModelRepository, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        logger.info({ dir }, 'model repository changed: reloading');
        repository.reload().catch((err) => logger.error({ err }, 'reload after change failed'));
      }, SETTLE_MS);
    });
  } catch (err) {
    logger.error({ err, dir }, 'cannot watch the model repository; reload with SIGHUP or ReloadModels');
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
