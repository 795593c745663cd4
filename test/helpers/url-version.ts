/**
 * One committed URL version as the model tests run it: canonicalize -> the serving pipeline's features
 * with the version's assets -> its model, loaded as the server loads it (the golden check included).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalizeUrl } from '../../src/indicators/url/canonicalize';
import type { UrlFeatureAssets } from '../../src/indicators/url/features';
import { type LoadedModel, loadModel } from '../../src/scoring/loaded-model';
import { urlPipeline } from '../../src/scoring/pipelines/url';

export interface UrlVersionMetadata {
  features_version: string;
  feature_names: string[];
  thresholds: { suspicious: number; malicious: number };
  metrics: Record<string, number | null>;
  training_data: { name: string; license: string; rows: number }[];
  out_of_source_evaluation?: { command: string; summary: Record<string, number | null> };
}

export class UrlVersion {
  readonly dir: string;
  readonly meta: UrlVersionMetadata;
  private loaded: LoadedModel | undefined;

  constructor(version: number) {
    this.dir = join(__dirname, '..', '..', 'models', 'url', String(version));
    this.meta = JSON.parse(readFileSync(join(this.dir, 'metadata.json'), 'utf8')) as UrlVersionMetadata;
  }

  async open(): Promise<void> {
    this.loaded = await loadModel(this.dir, urlPipeline);
  }

  async close(): Promise<void> {
    await this.loaded?.release();
  }

  get model(): LoadedModel {
    assert.ok(this.loaded !== undefined, 'open() first');
    return this.loaded;
  }

  /** The model's probability for each URL (every URL must canonicalize). */
  async scores(urls: readonly string[]): Promise<number[]> {
    const width = urlPipeline.featureNames.length;
    const x = new Float32Array(urls.length * width);
    urls.forEach((u, i) => {
      const p = canonicalizeUrl(u);
      assert.ok(p.ok, u);
      urlPipeline.features(p.value, this.model.assets as UrlFeatureAssets, x, i * width);
    });
    return [...(await this.model.predict(x, urls.length))];
  }
}
