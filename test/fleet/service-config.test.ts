/**
 * One service config for every client: clients/service-config.json is what the README shows and
 * what the fleet test's Go client (src/bench/loadgen/fleet.go) runs with, so the documented config is the
 * tested one (grpc-go refuses an invalid default service config at NewClient).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { CLIENT_SERVICE_CONFIG } from '../../src/cli/service-config';

const ROOT = join(__dirname, '..', '..');
const file = readFileSync(join(ROOT, 'clients', 'service-config.json'), 'utf8');

it('the Go fleet client runs with clients/service-config.json', () => {
  const go = readFileSync(join(ROOT, 'src', 'bench', 'loadgen', 'fleet.go'), 'utf8');
  const m = /const fleetServiceConfig = `([^`]*)`/.exec(go);
  assert.ok(m, 'fleet.go declares fleetServiceConfig');
  assert.deepEqual(JSON.parse(m[1] as string), JSON.parse(file));
});

it('the README shows it verbatim, with UNAVAILABLE retried and round_robin', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.ok(readme.includes(file.trim()), 'README "Service config for a fleet" holds the file as it is');
  const cfg = JSON.parse(file);
  assert.deepEqual(cfg.loadBalancingConfig, [{ round_robin: {} }]);
  assert.deepEqual(cfg.methodConfig[0].retryPolicy.retryableStatusCodes, ['UNAVAILABLE']);
});

it('retries as our own CLI does (src/cli/service-config.ts), for the same services', () => {
  const cfg = JSON.parse(file);
  assert.deepEqual(cfg.methodConfig[0].retryPolicy, CLIENT_SERVICE_CONFIG.methodConfig[0].retryPolicy);
  assert.deepEqual(cfg.methodConfig[0].name, CLIENT_SERVICE_CONFIG.methodConfig[0].name);
});
