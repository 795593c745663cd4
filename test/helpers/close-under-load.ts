/**
 * Run as a child process by test/scoring/pool-close.test.ts: closes pools of pipeline workers at
 * random moments under a continuous load of large model runs, ROUNDS times, and prints what the runs
 * got as one JSON line. Closing a pool by stopping its threads mid-run aborts the whole process
 * (SIGABRT), which a test can only see from outside it.
 */
import { createWorkerBackend } from '../../src/scoring/inference-pool';
import { backendModel } from './model';

const ROUNDS = 10;
const ROWS = 8000;
const { spec, bytes } = backendModel('domain', 2);
const width = spec.width;

async function main(): Promise<void> {
  // Per input (its seed), the distinct probabilities it got over all rounds: one each when answered.
  const answers = new Map<number, Set<number>>();
  const errors = new Set<string>();
  let answered = 0;
  let failed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const backend = createWorkerBackend({ workers: 2 });
    const session = await backend.load(bytes, spec);
    let closed = false;
    // Four callers, each with a large run in flight at all times until the pool is closed.
    const callers = [1, 2, 3, 4].map(async (seed) => {
      const features = new Float32Array(ROWS * width).fill(seed);
      while (!closed) {
        try {
          const p = await session.run(features.slice(), ROWS);
          answered++;
          answers.set(seed, (answers.get(seed) ?? new Set<number>()).add(p[0]!));
          if (!p.every((x) => x === p[0])) errors.add('rows of one value scored differently');
        } catch (err) {
          failed++;
          errors.add((err as Error).message);
          // A closed pool fails at once: let the loop turn, so this caller sees `closed`.
          await new Promise((r) => setImmediate(r));
        }
      }
    });
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 300));
    await backend.close();
    closed = true;
    await Promise.all(callers);
  }
  process.stdout.write(
    `${JSON.stringify({ answered, failed, answers: [...answers.values()].map((s) => [...s]), errors: [...errors] })}\n`,
  );
}

void main();
