/**
 * deploy/ is checked without a cluster and without Envoy:
 * - Kubernetes manifests: kubernetes-validate (PyPI, pinned in deploy/check/requirements.txt) against
 *   the JSON schemas it bundles, strict (unknown fields fail), for the oldest and newest Kubernetes
 *   versions we support; plus what no schema knows: the env settings exist and parse, the grace
 *   periods fit together, the probes hit the container's port.
 * - Envoy: deploy/envoy/check (go-control-plane's Bootstrap type and its validate rules).
 * - HAProxy: `haproxy -c` (the fleet test runs that same file).
 * Each checker is also shown a broken copy, so a checker that accepts anything fails here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';
import { haproxyVersion } from '../../src/bench/fleet';
import { loadConfig, SETTINGS } from '../../src/config';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const K8S = join(ROOT, 'deploy', 'kubernetes');
// gRPC probes are GA from 1.27; the oldest release still maintained upstream and the newest bundled.
const KUBERNETES_VERSIONS = ['1.31.0', '1.37.0'];

let python: string;
const manifests = () => readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
async function loadYaml(file: string): Promise<any> {
  const { stdout } = await run(python, [
    '-c',
    'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))',
    file,
  ]);
  return JSON.parse(stdout);
}

async function validate(files: string[], version: string): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout, stderr } = await run(python, ['-m', 'kubernetes_validate', '--strict', '-k', version, ...files]);
    return { ok: true, out: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('deploy/', { timeout: 600_000 }, () => {
  before(async () => {
    python = await pythonWith([join(ROOT, 'deploy', 'check', 'requirements.txt')]);
  });

  for (const version of KUBERNETES_VERSIONS) {
    it(`every Kubernetes manifest passes strict schema validation for ${version}`, async () => {
      const files = manifests().map((f) => join(K8S, f));
      const { ok, out } = await validate(files, version);
      assert.ok(ok, out);
      for (const f of manifests()) assert.match(out, new RegExp(`${f} passed`), out);
    });
  }

  it('the schema check rejects a manifest with an unknown field (a checker that passes anything fails here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-deploy-'));
    const bad = join(dir, 'deployment.yaml');
    writeFileSync(
      bad,
      readFileSync(join(K8S, 'deployment.yaml'), 'utf8').replace('readinessProbe:', 'readynessProbe:'),
    );
    const { ok, out } = await validate([bad], KUBERNETES_VERSIONS[1] as string);
    assert.equal(ok, false, out);
  });

  it('the kustomization lists every manifest', async () => {
    const k = await loadYaml(join(K8S, 'kustomization.yaml'));
    assert.deepEqual([...k.resources].sort(), manifests().sort());
    const d = await loadYaml(join(K8S, 'deployment.yaml'));
    assert.equal(
      k.images[0].name,
      d.spec.template.spec.containers[0].image,
      'the image kustomize sets is the one used',
    );
  });

  it('the Deployment fits the server: settings exist and parse, graces add up, probes hit the gRPC port', async () => {
    const d = await loadYaml(join(K8S, 'deployment.yaml'));
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const known = new Set(Object.values(SETTINGS).map((s) => s[0] as string));
    const env: Record<string, string> = {};
    for (const e of c.env) {
      assert.ok(known.has(e.name), `${e.name} is not a setting of src/config.ts`);
      env[e.name] = e.value ?? 'threatpredict-7d9f8b6c5-x2x4q'; // fieldRef metadata.name: a pod name
    }
    const config = loadConfig([], env); // throws on a value the server would refuse
    const port = c.ports.find((p: { name: string }) => p.name === 'grpc').containerPort;
    assert.equal(config.listen, `0.0.0.0:${port}`);
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) assert.equal(probe.grpc.port, port);
    assert.equal(c.readinessProbe.grpc.service, '', 'readiness asks the overall health');
    assert.equal(config.healthRequiresNewest, true);
    assert.equal(c.livenessProbe.grpc.service, 'threatpredict.v1.ModelService', 'liveness survives a refused roll-out');
    const preStop = Number(c.lifecycle.preStop.exec.command[1]);
    assert.ok(
      pod.terminationGracePeriodSeconds * 1000 >= preStop * 1000 + config.shutdownGraceMs + 2000,
      'Kubernetes waits for preStop, then the whole shutdown grace, before SIGKILL',
    );
    assert.ok(config.maxConnectionAgeMs > 0, 'connections age out, so streams rebalance');
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, new RegExp(`^USER ${pod.securityContext.runAsUser}:`, 'm'), 'the image runs as that uid');
    const requested = c.resources.requests.memory as string;
    assert.match(requested, /^\d+Mi$/);
    assert.ok(Number.parseInt(requested, 10) >= 640, 'the request covers the measured peak (0.64 GB)');
  });

  it('the Envoy configuration decodes and passes Envoy validation rules; a broken copy does not', async () => {
    const check = join(ROOT, 'deploy', 'envoy', 'check');
    const envoy = join(ROOT, 'deploy', 'envoy', 'envoy.yaml');
    const { stdout } = await run('go', ['run', '-buildvcs=false', '.', envoy], { cwd: check });
    assert.match(stdout, /valid envoy\.config\.bootstrap\.v3\.Bootstrap/);
    const dir = mkdtempSync(join(tmpdir(), 'tp-envoy-'));
    const bad = join(dir, 'envoy.yaml');
    writeFileSync(bad, readFileSync(envoy, 'utf8').replace('max_ejection_percent: 34', 'max_ejection_percent: 340'));
    await assert.rejects(run('go', ['run', '-buildvcs=false', '.', bad], { cwd: check }), /MaxEjectionPercent/);
  });

  it('the HAProxy configuration passes haproxy -c', async () => {
    haproxyVersion();
    const env = {
      ...process.env,
      THREATPREDICT_FLEET_LISTEN: '127.0.0.1:50051',
      THREATPREDICT_BACKEND_1: '127.0.0.1:50052',
      THREATPREDICT_BACKEND_2: '127.0.0.1:50053',
      THREATPREDICT_BACKEND_3: '127.0.0.1:50054',
    };
    const cfg = join(ROOT, 'deploy', 'haproxy', 'haproxy.cfg');
    await run('haproxy', ['-c', '-f', cfg], { env });
    const dir = mkdtempSync(join(tmpdir(), 'tp-haproxy-'));
    const bad = join(dir, 'haproxy.cfg');
    writeFileSync(bad, readFileSync(cfg, 'utf8').replace('balance roundrobin', 'balance round-robin'));
    await assert.rejects(run('haproxy', ['-c', '-f', bad], { env }));
  });
});
