/**
 * deploy/ is checked without a cluster and without Envoy:
 * - Kubernetes manifests: kubernetes-validate (PyPI, pinned in deploy/check/requirements.txt) against
 *   the JSON schemas it bundles, strict (unknown fields fail), for the oldest and newest Kubernetes
 *   versions we support; plus what no schema knows: the env settings exist and parse (with the TLS
 *   files of the mounted Secret), the grace periods fit together, the probes run the health client
 *   against the container's port, the cert-manager Certificate fills the Secret the pods mount.
 * - Envoy: deploy/envoy/check (go-control-plane's Bootstrap type and its validate rules), and TLS on
 *   both sides with the upstream verified against the name the pods' Certificate carries.
 * - HAProxy: `haproxy -c` (the fleet test runs that same file, over TLS).
 * Each checker is also shown a broken copy, so a checker that accepts anything fails here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';
import { certFactory } from '../../src/bench/certs';
import { haproxyVersion, makeFleetTls } from '../../src/bench/fleet';
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

  it('the Deployment fits the server: settings exist and parse, graces add up, probes ask health over TLS', async () => {
    const d = await loadYaml(join(K8S, 'deployment.yaml'));
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const known = new Set(Object.values(SETTINGS).map((s) => s[0] as string));
    // The TLS Secret's files, as the pod sees them at the volume's mount path: real ones here, so
    // loadConfig checks them as the server would.
    const tlsMount = c.volumeMounts.find((m: { name: string }) => m.name === 'tls');
    assert.ok(tlsMount, 'the TLS Secret is mounted');
    assert.equal(tlsMount.readOnly, true);
    const tlsVolume = pod.volumes.find((v: { name: string }) => v.name === 'tls');
    assert.equal(tlsVolume.secret.secretName, 'threatpredict-tls');
    const certs = certFactory();
    const leaf = certs.issue(certs.ca('deploy test CA'), 'threatpredict', 'DNS:threatpredict');
    copyFileSync(leaf.cert, join(certs.dir, 'tls.crt'));
    copyFileSync(leaf.key, join(certs.dir, 'tls.key'));
    const mounted = (v: string) =>
      v.startsWith(`${tlsMount.mountPath}/`) ? join(certs.dir, relative(tlsMount.mountPath, v)) : v;
    const env: Record<string, string> = {};
    try {
      for (const e of c.env) {
        assert.ok(known.has(e.name), `${e.name} is not a setting of src/config.ts`);
        env[e.name] = mounted(e.value ?? 'threatpredict-7d9f8b6c5-x2x4q'); // fieldRef metadata.name: a pod name
      }
      const config = loadConfig([], env); // throws on a value the server would refuse (plaintext on 0.0.0.0)
      assert.equal(config.security.tlsCert, join(certs.dir, 'tls.crt'), 'TLS from the mounted Secret');
      assert.equal(config.security.allowPlaintext, false);
      const port = c.ports.find((p: { name: string }) => p.name === 'grpc').containerPort;
      assert.equal(config.listen, `0.0.0.0:${port}`);
      // Exec probes run the image's health client (native gRPC probes cannot speak TLS), from the
      // image's WORKDIR, against the container's port; it reads the same TLS environment.
      assert.match(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'), /^WORKDIR \/app$/m);
      assert.equal(c.workingDir, undefined);
      assert.ok(existsSync(join(ROOT, 'src', 'cli', 'health-check.ts')));
      const probe = (p: { exec: { command: string[] } }) => {
        const [node, script, addr, service, ...rest] = p.exec.command;
        assert.deepEqual([node, script, addr, rest], ['node', 'dist/cli/health-check.js', `127.0.0.1:${port}`, []]);
        return service;
      };
      assert.equal(probe(c.readinessProbe), '', 'readiness asks the overall health');
      assert.equal(config.healthRequiresNewest, true);
      assert.equal(probe(c.livenessProbe), 'threatpredict.v1.ModelService', 'liveness survives a refused roll-out');
      assert.equal(probe(c.startupProbe), 'threatpredict.v1.ModelService');
      for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe])
        assert.ok(p.timeoutSeconds * 1000 > 3000, "the probe's own 3 s deadline ends it before Kubernetes does");
      const preStop = Number(c.lifecycle.preStop.exec.command[1]);
      assert.ok(
        pod.terminationGracePeriodSeconds * 1000 >= preStop * 1000 + config.shutdownGraceMs + 2000,
        'Kubernetes waits for preStop, then the whole shutdown grace, before SIGKILL',
      );
      assert.ok(config.maxConnectionAgeMs > 0, 'connections age out, so streams rebalance');
    } finally {
      certs.cleanup();
    }
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    // The key is 0440: readable through the pod's fsGroup, which must be the server's group.
    assert.equal(tlsVolume.secret.defaultMode & 0o004, 0, 'the key is not world-readable');
    assert.equal(pod.securityContext.fsGroup, pod.securityContext.runAsGroup);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, new RegExp(`^USER ${pod.securityContext.runAsUser}:`, 'm'), 'the image runs as that uid');
    for (const name of ['THREATPREDICT_TLS_CERT', 'THREATPREDICT_TLS_KEY'])
      assert.match(
        dockerfile,
        new RegExp(`${name}=${c.env.find((e: { name: string }) => e.name === name).value}\\b`),
        `the image's ${name} default is the Deployment's`,
      );
    const requested = c.resources.requests.memory as string;
    assert.match(requested, /^\d+Mi$/);
    assert.ok(Number.parseInt(requested, 10) >= 640, 'the request covers the measured peak (0.64 GB)');
    for (const f of ['service.yaml', 'service-headless.yaml']) {
      const svc = await loadYaml(join(K8S, f));
      assert.notEqual(svc.spec.ports[0].appProtocol, 'kubernetes.io/h2c', `${f}: the pods speak TLS, not h2c`);
    }
  });

  it("the cert-manager component's Certificate fills the mounted Secret and names what proxies and clients dial", async () => {
    // No schema for cert-manager's CRD is bundled with kubernetes-validate: these fields are checked here.
    const component = await loadYaml(join(K8S, 'cert-manager', 'kustomization.yaml'));
    assert.equal(component.kind, 'Component');
    assert.deepEqual(component.resources, ['certificate.yaml']);
    const cert = await loadYaml(join(K8S, 'cert-manager', 'certificate.yaml'));
    assert.equal(cert.apiVersion, 'cert-manager.io/v1');
    assert.equal(cert.kind, 'Certificate');
    const d = await loadYaml(join(K8S, 'deployment.yaml'));
    const tls = d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'tls');
    assert.equal(cert.spec.secretName, tls.secret.secretName);
    assert.ok(cert.spec.usages.includes('server auth'));
    const ns = (await loadYaml(join(K8S, 'namespace.yaml'))).metadata.name;
    for (const f of ['service.yaml', 'service-headless.yaml']) {
      const name = (await loadYaml(join(K8S, f))).metadata.name;
      assert.ok(cert.spec.dnsNames.includes(`${name}.${ns}.svc.cluster.local`), `${name} is named`);
    }
    const envoy = await loadYaml(join(ROOT, 'deploy', 'envoy', 'envoy.yaml'));
    for (const cluster of envoy.static_resources.clusters)
      assert.ok(cert.spec.dnsNames.includes(cluster.transport_socket.typed_config.sni), "Envoy's SNI is named");
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
    // The TLS contexts are decoded too (their types are registered), not passed over.
    writeFileSync(bad, readFileSync(envoy, 'utf8').replace('trusted_ca:', 'trusted_cax:'));
    await assert.rejects(run('go', ['run', '-buildvcs=false', '.', bad], { cwd: check }), /trusted_cax/);
  });

  it('Envoy speaks TLS to clients and verified TLS (CA, name, h2) to the pods, health checks included', async () => {
    const envoy = await loadYaml(join(ROOT, 'deploy', 'envoy', 'envoy.yaml'));
    const TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.';
    for (const listener of envoy.static_resources.listeners)
      for (const chain of listener.filter_chains) {
        const ctx = chain.transport_socket.typed_config;
        assert.equal(ctx['@type'], `${TLS}DownstreamTlsContext`);
        assert.deepEqual(ctx.common_tls_context.alpn_protocols, ['h2']);
        assert.equal(ctx.common_tls_context.tls_certificates.length, 1);
      }
    for (const cluster of envoy.static_resources.clusters) {
      const ctx = cluster.transport_socket.typed_config;
      assert.equal(ctx['@type'], `${TLS}UpstreamTlsContext`);
      assert.deepEqual(ctx.common_tls_context.alpn_protocols, ['h2'], 'the servers refuse TLS without h2');
      const v = ctx.common_tls_context.validation_context;
      assert.ok(v.trusted_ca.filename, 'the pods are verified against their CA');
      assert.deepEqual(
        v.match_typed_subject_alt_names.map((m: { matcher: { exact: string } }) => m.matcher.exact),
        [ctx.sni],
        'the name sent is the name checked',
      );
      // Active health checks use the cluster's transport socket unless told otherwise.
      for (const h of cluster.health_checks) assert.equal(h.transport_socket_match_criteria, undefined);
      assert.equal(cluster.transport_socket_matches, undefined);
    }
  });

  it('the HAProxy configuration passes haproxy -c, with its certificate files', async (t) => {
    haproxyVersion();
    const tls = makeFleetTls();
    t.after(() => tls.cleanup());
    const env = {
      ...process.env,
      THREATPREDICT_FLEET_LISTEN: '127.0.0.1:50051',
      THREATPREDICT_FLEET_TLS_PEM: tls.haproxyPem,
      THREATPREDICT_BACKEND_CA: tls.ca,
      THREATPREDICT_BACKEND_NAME: tls.backendName,
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
    // The certificate files are read at -c: a missing CA fails (so the TLS lines are in force).
    await assert.rejects(
      run('haproxy', ['-c', '-f', cfg], { env: { ...env, THREATPREDICT_BACKEND_CA: `${tls.ca}.missing` } }),
    );
  });
});
