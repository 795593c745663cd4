import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthImplementation } from 'grpc-health-check';
import pino from 'pino';
import { createWorkerBackend } from '../../src/scoring/inference-pool';
import type { ModelRepository } from '../../src/scoring/model-repository';
import { trackHealth } from '../../src/server/health';

/** A repository with one model serving, as far as health is concerned. */
const repository = {
  list: () => [{ name: 'domain', serving: { version: 1 }, versions: [{ version: 1, state: 'serving' }] }],
  onReload: () => {},
} as unknown as ModelRepository;

describe('health', () => {
  it('turns NOT_SERVING when the inference thread fails', async () => {
    const health = new HealthImplementation({});
    let failure: string | undefined;
    let listener: ((why: string) => void) | undefined;
    const inference = {
      failure: () => failure,
      onFailure: (l: (why: string) => void) => {
        listener = l;
      },
    };
    const logs: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    assert.equal(trackHealth(health, { repository, inference: inference as never }, logger), true);
    // The status the health service would answer (grpc-health-check keeps it in `statusMap`).
    const status = (s: string) => (health as unknown as { statusMap: Map<string, string> }).statusMap.get(s);
    assert.equal(status(''), 'SERVING');
    failure = 'inference thread exited (code 1)';
    listener?.(failure);
    assert.equal(status(''), 'NOT_SERVING');
    assert.equal(status('threatpredict.v1.PredictionService'), 'NOT_SERVING');
    assert.equal(logs.length, 1, 'the failure is logged once, as an error');
  });

  it('is not told of a failure when the backend is closed on purpose', async () => {
    const backend = createWorkerBackend();
    let told = false;
    backend.onFailure(() => {
      told = true;
    });
    await backend.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(told, false);
    assert.match(backend.failure() ?? '', /exited/, 'requests after close still fail at once');
  });
});
