/**
 * One committed domain version as the model tests run it: parse -> that version's feature code with its
 * shipped assets -> its ONNX file on onnxruntime-node, without the server around it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadDomainAssets } from '../../src/indicators/domain/assets';
import type { DomainFeatureSet } from '../../src/indicators/domain/feature-sets';
import type { DomainFeatureAssets } from '../../src/indicators/domain/features';
import { parseDomain } from '../../src/indicators/domain/parse';

export class DomainVersionRunner {
  readonly width: number;
  private assets: DomainFeatureAssets | undefined;
  private session: ort.InferenceSession | undefined;

  constructor(
    readonly dir: string,
    readonly features: DomainFeatureSet,
    private readonly io: { input: string; output: string; positiveClassIndex: number },
  ) {
    this.width = features.names.length;
  }

  async open(): Promise<void> {
    this.assets = loadDomainAssets(join(this.dir, 'assets.json'));
    this.session = await ort.InferenceSession.create(join(this.dir, 'model.onnx'), { intraOpNumThreads: 1 });
  }

  async close(): Promise<void> {
    await this.session?.release();
  }

  /** The ONNX graph's input names. */
  get inputNames(): readonly string[] {
    return this.session?.inputNames ?? [];
  }

  /** The feature rows of `names`, one after the other (every name must parse). */
  featuresOf(names: readonly string[]): Float32Array {
    assert.ok(this.assets !== undefined, 'open() first');
    const out = new Float32Array(names.length * this.width);
    names.forEach((n, i) => {
      const p = parseDomain(n);
      assert.ok(p.ok, `${n} should parse`);
      this.features.compute(p.value, this.assets as DomainFeatureAssets, out, i * this.width);
    });
    return out;
  }

  /** The model's probability of the malicious class for each name. */
  async predict(names: readonly string[]): Promise<number[]> {
    assert.ok(this.session !== undefined, 'open() first');
    const input = new ort.Tensor('float32', this.featuresOf(names), [names.length, this.width]);
    const res = await this.session.run({ [this.io.input]: input });
    const probs = res[this.io.output];
    assert.ok(probs !== undefined, `output ${this.io.output} missing`);
    assert.deepEqual(probs.dims, [names.length, 2]);
    const data = probs.data as Float32Array;
    return names.map((_, i) => data[i * 2 + this.io.positiveClassIndex] as number);
  }
}
