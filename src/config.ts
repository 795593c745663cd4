/**
 * Configuration: read once from the environment and the command line, validated, frozen. Every
 * setting has a default that works on a laptop; a bad value stops the start with a clear message.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ModelTrust, readPublicKey } from './scoring/model-trust';

export interface Config {
  /** host:port to listen on. */
  readonly listen: string;
  /** The model repository (`<dir>/<name>/<version>/`); the committed `models/` by default. */
  readonly modelsDir: string;
  readonly maxBatchItems: number;
  readonly maxMessageBytes: number;
  readonly maxEmailBytes: number;
  readonly logLevel: string;
  /** How long in-flight calls get to finish after SIGTERM/SIGINT before they are cancelled. */
  readonly shutdownGraceMs: number;
  /** onnxruntime intra-op threads per model session. */
  readonly intraOpThreads: number;
  /** Where model runs happen: `worker` (an inference thread; default) or `inline` (the event loop). */
  readonly inference: 'worker' | 'inline';
  /** Small model runs (unary calls) walked in JavaScript (`trees`, default) or all on onnxruntime. */
  readonly modelEngine: 'trees' | 'onnxruntime';
  /**
   * Server processes sharing the port (src/cluster): 1 serves from this process; more fork that many,
   * each with its own models, caches and inference thread.
   */
  readonly processes: number;
  /**
   * Worker threads per server process that score the cache misses of large batches (parse, rules,
   * features, model, reasons, encoding) and run the models (with `inference: worker`); the event
   * loop frames, looks up the cache and writes. Defaults to the cores Node may use.
   */
  readonly workers: number;
  /** Prediction cache entries per model version (0 turns caching off). */
  readonly cacheEntries: number;
  /** Estimated bytes each model version's prediction cache may keep alive. */
  readonly cacheMaxBytes: number;
  /** Open connections per server process at most. */
  readonly maxConnections: number;
  /** A connection that sends no byte within this long is closed. */
  readonly handshakeTimeoutMs: number;
  /** A connection without a call for this long is sent a GOAWAY. */
  readonly maxConnectionIdleMs: number;
  /** The server pings each connection this often, and closes it when a ping goes unanswered for keepaliveTimeoutMs. */
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  /** Concurrent calls (HTTP/2 streams) per connection; a client queues more until one ends. */
  readonly maxStreamsPerConnection: number;
  /**
   * A connection older than this (+-10% jitter) gets a GOAWAY, so long-lived clients reconnect and a
   * balancer spreads them again; 0 = never.
   */
  readonly maxConnectionAgeMs: number;
  /** After that GOAWAY, calls still open get this long before the connection is closed under them. */
  readonly maxConnectionAgeGraceMs: number;
  /** Names this process in GetServerInfo and the `threatpredict-instance` response header. */
  readonly instanceId: string;
  /** Overall health NOT_SERVING also when a model's newest version on disk was refused (fleet roll-outs). */
  readonly healthRequiresNewest: boolean;
  /** Pinned model versions from the configuration (name -> version); absent names serve their newest. */
  readonly modelVersions: ReadonlyMap<string, number>;
  /** Whether ReloadModels is served at all (admin RPC); callers also need the models.admin scope when authentication is on. */
  readonly adminRpc: boolean;
  /** Reload the model repository when its files change. */
  readonly watchModels: boolean;
  /** Directory with GeoLite2-City.mmdb / GeoLite2-ASN.mmdb (geoipupdate layout); bundled data when empty. */
  readonly geoipDir: string;
  /** Security settings (TLS, credentials, quotas): src/server/security/. */
  readonly security: SecurityConfig;
  /** Which model versions may load: the Ed25519 keys their manifests may be signed with, and whether unsigned ones may. */
  readonly modelTrust: ModelTrust;
  /** HOST:PORT of the Prometheus endpoint (GET /metrics); empty: no metrics are kept or served. */
  readonly metricsListen: string;
  /** host:port of the JSON-over-HTTP listener (src/http); empty: none. */
  readonly httpListen: string;
  /** Also answer csirtg-predictd's endpoints (`/domain/?q=`, `/url/?q=`, `/ip/?q=`, `/email`) on the HTTP port. */
  readonly httpSeedCompat: boolean;
  /** Deadline of an HTTP call that does not send `X-Server-Timeout`. */
  readonly httpTimeoutMs: number;
}

export interface SecurityConfig {
  /** PEM server certificate chain and key; both empty = plaintext. */
  readonly tlsCert: string;
  readonly tlsKey: string;
  /** PEM CA bundle for client certificates; set = mTLS (a client without a certificate it signed is refused). */
  readonly tlsClientCa: string;
  readonly tlsMinVersion: 'TLSv1.2' | 'TLSv1.3';
  /** Plaintext on a non-loopback address is refused unless this is true. */
  readonly allowPlaintext: boolean;
  /** Identities file (tokens and certificate identities with their scopes), watched for changes. */
  readonly authFile: string;
  /** The same entries inline (`;`-separated), e.g. from an environment variable. */
  readonly authInline: string;
  /** Per identity: calls and items per second (0 = unlimited), and how many seconds of them a burst may use. */
  readonly quotaCalls: number;
  readonly quotaItems: number;
  readonly quotaBurstSeconds: number;
  /** How often certificate and identities files are checked for changes. */
  readonly credentialsPollMs: number;
}

const REPO_ROOT = resolve(__dirname, '..');

/** The settings, their environment variable and default. `--name value` on the command line wins. */
export const SETTINGS = {
  listen: ['THREATPREDICT_LISTEN', '127.0.0.1:50051'],
  models: ['THREATPREDICT_MODELS', join(REPO_ROOT, 'models')],
  'max-batch-items': ['THREATPREDICT_MAX_BATCH_ITEMS', '10000'],
  'max-message-bytes': ['THREATPREDICT_MAX_MESSAGE_BYTES', String(64 * 1024 * 1024)],
  'max-email-bytes': ['THREATPREDICT_MAX_EMAIL_BYTES', String(25 * 1024 * 1024)],
  'log-level': ['THREATPREDICT_LOG_LEVEL', 'info'],
  'shutdown-grace-ms': ['THREATPREDICT_SHUTDOWN_GRACE_MS', '10000'],
  'intra-op-threads': ['THREATPREDICT_INTRA_OP_THREADS', '1'],
  geoip: ['THREATPREDICT_GEOIP_DIR', ''],
  'model-versions': ['THREATPREDICT_MODEL_VERSIONS', ''],
  inference: ['THREATPREDICT_INFERENCE', 'worker'],
  'model-engine': ['THREATPREDICT_MODEL_ENGINE', 'trees'],
  processes: ['THREATPREDICT_PROCESSES', '1'],
  workers: ['THREATPREDICT_WORKERS', String(Math.min(64, availableParallelism()))],
  'cache-entries': ['THREATPREDICT_CACHE_ENTRIES', '100000'],
  'cache-max-bytes': ['THREATPREDICT_CACHE_MAX_BYTES', String(256 * 1024 * 1024)],
  'max-connections': ['THREATPREDICT_MAX_CONNECTIONS', '1000'],
  'handshake-timeout-ms': ['THREATPREDICT_HANDSHAKE_TIMEOUT_MS', '10000'],
  'max-connection-idle-ms': ['THREATPREDICT_MAX_CONNECTION_IDLE_MS', '300000'],
  'keepalive-time-ms': ['THREATPREDICT_KEEPALIVE_TIME_MS', '60000'],
  'keepalive-timeout-ms': ['THREATPREDICT_KEEPALIVE_TIMEOUT_MS', '20000'],
  'max-streams-per-connection': ['THREATPREDICT_MAX_STREAMS_PER_CONNECTION', '256'],
  'max-connection-age-ms': ['THREATPREDICT_MAX_CONNECTION_AGE_MS', '0'],
  'max-connection-age-grace-ms': ['THREATPREDICT_MAX_CONNECTION_AGE_GRACE_MS', '10000'],
  'instance-id': ['THREATPREDICT_INSTANCE_ID', ''],
  'health-requires-newest': ['THREATPREDICT_HEALTH_REQUIRES_NEWEST', 'false'],
  'admin-rpc': ['THREATPREDICT_ADMIN_RPC', 'false'],
  'watch-models': ['THREATPREDICT_WATCH_MODELS', 'false'],
  'tls-cert': ['THREATPREDICT_TLS_CERT', ''],
  'tls-key': ['THREATPREDICT_TLS_KEY', ''],
  'tls-client-ca': ['THREATPREDICT_TLS_CLIENT_CA', ''],
  'tls-min-version': ['THREATPREDICT_TLS_MIN_VERSION', '1.2'],
  'allow-plaintext': ['THREATPREDICT_ALLOW_PLAINTEXT', 'false'],
  'auth-file': ['THREATPREDICT_AUTH_FILE', ''],
  auth: ['THREATPREDICT_AUTH', ''],
  'quota-calls': ['THREATPREDICT_QUOTA_CALLS', '0'],
  'quota-items': ['THREATPREDICT_QUOTA_ITEMS', '0'],
  'quota-burst-seconds': ['THREATPREDICT_QUOTA_BURST_SECONDS', '2'],
  'credentials-poll-ms': ['THREATPREDICT_CREDENTIALS_POLL_MS', '5000'],
  'metrics-listen': ['THREATPREDICT_METRICS_LISTEN', ''],
  // The project's key, which signed the committed models (its private half is not in the repository).
  'model-signing-key': ['THREATPREDICT_MODEL_SIGNING_KEY', join(REPO_ROOT, 'keys', 'threatpredict-models.pub')],
  'allow-unsigned-models': ['THREATPREDICT_ALLOW_UNSIGNED_MODELS', 'false'],
  'http-listen': ['THREATPREDICT_HTTP_LISTEN', ''],
  'http-seed-compat': ['THREATPREDICT_HTTP_SEED_COMPAT', 'false'],
  'http-timeout-ms': ['THREATPREDICT_HTTP_TIMEOUT_MS', '60000'],
} as const;

export class ConfigError extends Error {}

function int(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function bool(name: string, raw: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** `domain=1,url=2` -> Map; a version of 0 means newest. */
function pins(raw: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z][a-z0-9_-]*)=(\d+)$/.exec(part);
    if (m === null) throw new ConfigError(`model versions must look like "domain=1,url=2", got "${part}"`);
    out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

/** Comma-separated public key files (several during a key rotation). */
function signingKeys(raw: string): ModelTrust['keys'] {
  const paths = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (paths.length === 0) throw new ConfigError('model signing key: give at least one public key file');
  return paths.map((p) => {
    const path = resolve(p);
    if (!existsSync(path)) throw new ConfigError(`model signing key ${path} does not exist`);
    try {
      return readPublicKey(path);
    } catch (err) {
      throw new ConfigError(`model signing key: ${(err as Error).message}`);
    }
  });
}

function hostPort(name: string, raw: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(raw);
  if (m === null || Number(m[2]) > 65535) throw new ConfigError(`${name} must be HOST:PORT, got "${raw}"`);
  return raw;
}

/**
 * Empty -> `host/pid`: unique per server process (each of `--processes N` reads the config itself),
 * and in a Kubernetes pod the host name is the pod's name.
 */
function instanceId(raw: string): string {
  if (raw === '') return `${hostname()}/${process.pid}`;
  if (!/^[\x21-\x7e]{1,128}$/.test(raw))
    throw new ConfigError(`instance id must be 1 to 128 printable ASCII characters without spaces, got "${raw}"`);
  return raw;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function directory(name: string, raw: string): string {
  const dir = resolve(raw);
  if (!existsSync(dir)) throw new ConfigError(`${name} ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new ConfigError(`${name} ${dir} is not a directory`);
  return dir;
}

/**
 * A pin to a model or version that is not in the repository would start a server that serves nothing
 * for that model: refuse it instead (a later reload may pin it, once the files are there).
 */
function checkPins(modelsDir: string, versions: ReadonlyMap<string, number>): void {
  for (const [name, version] of versions) {
    if (!existsSync(join(modelsDir, name))) throw new ConfigError(`model versions: no model "${name}" in ${modelsDir}`);
    if (version > 0 && !existsSync(join(modelsDir, name, String(version))))
      throw new ConfigError(`model versions: ${name} has no version ${version} in ${join(modelsDir, name)}`);
  }
}

function file(name: string, raw: string): string {
  if (raw === '') return '';
  const path = resolve(raw);
  if (!existsSync(path) || !statSync(path).isFile()) throw new ConfigError(`${name} ${path} is not a file`);
  return path;
}

/** Loopback hosts: the only ones where plaintext is allowed without saying so. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

function securityConfig(get: (k: keyof typeof SETTINGS) => string, listen: string): SecurityConfig {
  const tlsCert = file('tls cert', get('tls-cert'));
  const tlsKey = file('tls key', get('tls-key'));
  if ((tlsCert === '') !== (tlsKey === '')) throw new ConfigError('tls cert and tls key must be given together');
  const tlsClientCa = file('tls client ca', get('tls-client-ca'));
  if (tlsClientCa !== '' && tlsCert === '') throw new ConfigError('tls client ca needs tls cert and tls key');
  const allowPlaintext = bool('allow plaintext', get('allow-plaintext'));
  const host = listen.slice(0, listen.lastIndexOf(':'));
  if (tlsCert === '' && !allowPlaintext && !isLoopbackHost(host))
    throw new ConfigError(
      `listen ${listen} is not a loopback address: give --tls-cert and --tls-key, or --allow-plaintext true ` +
        '(tokens and answers then cross the network readable by anyone on the path)',
    );
  const authFile = file('auth file', get('auth-file'));
  const authInline = get('auth');
  if (authFile !== '' && authInline !== '')
    throw new ConfigError('give either an auth file or inline auth entries, not both');
  const version = oneOf('tls min version', get('tls-min-version'), ['1.2', '1.3'] as const);
  return Object.freeze({
    tlsCert,
    tlsKey,
    tlsClientCa,
    tlsMinVersion: version === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
    allowPlaintext,
    authFile,
    authInline,
    quotaCalls: int('quota calls', get('quota-calls'), 0, 10_000_000),
    quotaItems: int('quota items', get('quota-items'), 0, 1_000_000_000),
    quotaBurstSeconds: int('quota burst seconds', get('quota-burst-seconds'), 1, 3600),
    credentialsPollMs: int('credentials poll ms', get('credentials-poll-ms'), 100, 3_600_000),
  });
}

/**
 * The HTTP listener (src/http) has the gRPC port's security from the same settings: TLS (and mTLS)
 * from --tls-cert/--tls-key/--tls-client-ca, the same credentials, scopes and quotas. What it shares
 * too is the rule for plaintext: past loopback only with --allow-plaintext true.
 */
function httpAllowed(httpListen: string, security: SecurityConfig): void {
  const host = httpListen.slice(0, httpListen.lastIndexOf(':'));
  if (security.tlsCert === '' && !security.allowPlaintext && !isLoopbackHost(host))
    throw new ConfigError(
      `http listen ${httpListen} is not a loopback address: give --tls-cert and --tls-key (the HTTP listener then ` +
        'speaks HTTPS), or --allow-plaintext true (tokens and answers then cross the network readable by anyone on the path)',
    );
}

/**
 * Settings that are allowed but deserve a word at start (logged as warnings by src/server/security):
 * bearer tokens configured while a listener past loopback speaks plaintext, which --allow-plaintext
 * permits (a TLS-terminating proxy in front, e.g. a sidecar) but which otherwise sends every token in
 * clear, for anyone on the path to replay. On loopback the traffic does not leave the host: no word.
 */
export function startWarnings(config: Pick<Config, 'listen' | 'httpListen' | 'security'>): string[] {
  const { security } = config;
  if (security.tlsCert !== '' || (security.authFile === '' && security.authInline === '')) return [];
  const out: string[] = [];
  for (const [name, listen] of [
    ['listen', config.listen],
    ['http listen', config.httpListen],
  ] as const) {
    if (listen === '' || isLoopbackHost(listen.slice(0, listen.lastIndexOf(':')))) continue;
    out.push(
      `${name} ${listen} speaks plaintext with bearer tokens configured: every token crosses the network in clear ` +
        '(anyone on the path can replay it) unless a TLS-terminating proxy is in front; give --tls-cert and --tls-key',
    );
  }
  return out;
}

export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  const options = Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, { type: 'string' as const }]));
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string>;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const get = (k: keyof typeof SETTINGS) => values[k] ?? env[SETTINGS[k][0]] ?? SETTINGS[k][1];
  const listen = hostPort('listen', get('listen'));
  const metricsListen = get('metrics-listen') === '' ? '' : hostPort('metrics listen', get('metrics-listen'));
  const httpListen = get('http-listen') === '' ? '' : hostPort('http listen', get('http-listen'));
  const security = securityConfig(get, listen);
  if (httpListen !== '') httpAllowed(httpListen, security);
  const logLevel = get('log-level');
  if (!LEVELS.includes(logLevel))
    throw new ConfigError(`log level must be one of ${LEVELS.join(', ')}, got "${logLevel}"`);
  const modelsDir = directory('model repository', get('models'));
  const modelVersions = pins(get('model-versions'));
  checkPins(modelsDir, modelVersions);
  const geoipDir = get('geoip');
  return Object.freeze({
    listen,
    modelsDir,
    maxBatchItems: int('max batch items', get('max-batch-items'), 1, 1_000_000),
    maxMessageBytes: int('max message bytes', get('max-message-bytes'), 1024, 1024 * 1024 * 1024),
    maxEmailBytes: int('max email bytes', get('max-email-bytes'), 1024, 512 * 1024 * 1024),
    logLevel,
    shutdownGraceMs: int('shutdown grace ms', get('shutdown-grace-ms'), 0, 600_000),
    intraOpThreads: int('intra-op threads', get('intra-op-threads'), 1, 64),
    geoipDir: geoipDir === '' ? '' : directory('geoip directory', geoipDir),
    modelVersions,
    inference: oneOf('inference', get('inference'), ['worker', 'inline'] as const),
    modelEngine: oneOf('model engine', get('model-engine'), ['trees', 'onnxruntime'] as const),
    processes: int('processes', get('processes'), 1, 64),
    workers: int('workers', get('workers'), 1, 64),
    cacheEntries: int('cache entries', get('cache-entries'), 0, 100_000_000),
    cacheMaxBytes: int('cache max bytes', get('cache-max-bytes'), 1024 * 1024, 64 * 1024 * 1024 * 1024),
    maxConnections: int('max connections', get('max-connections'), 1, 1_000_000),
    handshakeTimeoutMs: int('handshake timeout ms', get('handshake-timeout-ms'), 100, 600_000),
    maxConnectionIdleMs: int('max connection idle ms', get('max-connection-idle-ms'), 1000, 2_147_483_647),
    keepaliveTimeMs: int('keepalive time ms', get('keepalive-time-ms'), 1000, 2_147_483_647),
    keepaliveTimeoutMs: int('keepalive timeout ms', get('keepalive-timeout-ms'), 1000, 600_000),
    maxStreamsPerConnection: int('max streams per connection', get('max-streams-per-connection'), 1, 100_000),
    maxConnectionAgeMs: int('max connection age ms', get('max-connection-age-ms'), 0, 2_147_483_647),
    maxConnectionAgeGraceMs: int('max connection age grace ms', get('max-connection-age-grace-ms'), 0, 2_147_483_647),
    instanceId: instanceId(get('instance-id')),
    healthRequiresNewest: bool('health requires newest', get('health-requires-newest')),
    adminRpc: bool('admin rpc', get('admin-rpc')),
    watchModels: bool('watch models', get('watch-models')),
    security,
    metricsListen,
    modelTrust: Object.freeze({
      keys: Object.freeze(signingKeys(get('model-signing-key'))),
      allowUnsigned: bool('allow unsigned models', get('allow-unsigned-models')),
    }),
    httpListen,
    httpSeedCompat: bool('http seed compat', get('http-seed-compat')),
    httpTimeoutMs: int('http timeout ms', get('http-timeout-ms'), 100, 3_600_000),
  });
}
