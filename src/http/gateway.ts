/**
 * HTTP/JSON transcoding by the contract's google.api.http rules (the same rules Envoy's
 * grpc_json_transcoder and grpc-gateway read): the route table comes from the descriptor set, the body
 * is the request message in the canonical proto3 JSON mapping (what grpcurl sends), path variables and
 * query parameters fill the fields a rule does not take from the body. A request becomes the binary
 * message the gRPC handler would have received; its answer goes back as canonical JSON.
 *
 * Two additions the rules cannot say: `POST /v1/emails:predict` also takes a raw message as a
 * `message/rfc822` body (`?id=` and `?view=` in the query), and the streaming RPCs take and answer
 * newline-delimited JSON (one message a line; each answer line is `{"result": ...}` or `{"error": Status}`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DescField, type DescMessage, fromJson, type JsonValue, toBinary } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { PredictError } from '../errors';
import { ResultView } from '../gen/threatpredict/v1/prediction';
import { answerJson } from './answer-json';
import { mediaType, readBody, readLines, tooLarge } from './body';
import type { Contract, HttpBinding } from './contract';
import { fastBatchRequest, isStringBatch } from './fast-json';
import type { CallContext, InProcessServices } from './services';
import { errorBody } from './status';

export interface RpcMatch {
  binding: HttpBinding;
  params: Record<string, string>;
}

interface CompiledRule {
  binding: HttpBinding;
  regex: RegExp;
  vars: string[];
}

/** `/v1/models/{name}` -> /^\/v1\/models\/([^/]+)$/ with vars [name]; `{x=**}` forms are not used by this contract. */
function compile(binding: HttpBinding): CompiledRule {
  const vars: string[] = [];
  const source = binding.path
    .split(/(\{[a-z_][a-z0-9_.]*\})/)
    .map((part) => {
      const v = /^\{([a-z_][a-z0-9_.]*)\}$/.exec(part);
      if (v === null) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      vars.push(v[1]!);
      return '([^/:]+)';
    })
    .join('');
  return { binding, regex: new RegExp(`^${source}$`), vars };
}

/** How a JSON body must look: JSON in the contract's canonical mapping. */
function malformed(what: string, err: unknown): PredictError {
  const why = err instanceof Error ? err.message : String(err);
  return new PredictError('MALFORMED_REQUEST', `the request is not a valid protobuf message: ${what}: ${why}`);
}

function fieldNamed(schema: DescMessage, name: string): DescField | undefined {
  return schema.fields.find((f) => f.name === name || f.jsonName === name);
}

/** Query parameters and path variables -> JSON for the fields they name (scalars and enums only, as the HttpRule spec allows). */
function paramsJson(schema: DescMessage, params: Iterable<[string, string]>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [name, value] of params) {
    const field = fieldNamed(schema, name);
    if (field === undefined || field.fieldKind === 'message' || field.fieldKind === 'map')
      throw malformed(`query parameter "${name}"`, new Error(`${schema.typeName} has no scalar field of that name`));
    const json: JsonValue =
      field.fieldKind === 'scalar' && field.scalar === 8 /* BOOL */ ? value === 'true' || value === '1' : value;
    if (field.fieldKind !== 'list') out[field.jsonName] = json;
    else out[field.jsonName] = [...((out[field.jsonName] as JsonValue[] | undefined) ?? []), json];
  }
  return out;
}

export interface GatewayDeps {
  contract: Contract;
  services: InProcessServices;
  config: Config;
  logger: Logger;
}

export interface Gateway {
  match(method: string, pathname: string): RpcMatch | { allow: string[] } | undefined;
  serve(match: RpcMatch, req: IncomingMessage, res: ServerResponse, url: URL, ctx: CallContext): Promise<void>;
}

/** A JSON body may be larger than the binary message it encodes: base64 for bytes, names and quotes for fields. */
export function jsonBodyLimit(config: Pick<Config, 'maxMessageBytes'>): number {
  return 2 * config.maxMessageBytes;
}

export function sendJson(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}) {
  sendJsonText(res, status, JSON.stringify(json), headers);
}

function sendJsonText(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function createGateway({ contract, services, config, logger }: GatewayDeps): Gateway {
  const { registry } = contract;
  const rules = contract.bindings.map(compile);
  const jsonOptions = { registry };
  const fastRequests = new Set(contract.bindings.filter((b) => isStringBatch(b.input)).map((b) => b.input.typeName));
  const answer = answerJson(registry);

  function match(method: string, pathname: string) {
    const allow: string[] = [];
    for (const rule of rules) {
      const m = rule.regex.exec(pathname);
      if (m === null) continue;
      if (rule.binding.httpMethod !== method) {
        allow.push(rule.binding.httpMethod);
        continue;
      }
      const params: Record<string, string> = {};
      rule.vars.forEach((v, i) => {
        params[v] = decodeURIComponent(m[i + 1]!);
      });
      return { binding: rule.binding, params };
    }
    return allow.length > 0 ? { allow } : undefined;
  }

  /** The request message as binary, from the JSON body and the URL. */
  async function requestBytes(binding: HttpBinding, req: IncomingMessage, url: URL, params: Record<string, string>) {
    let json: Record<string, JsonValue> = {};
    if (binding.body === '*') {
      if ([...url.searchParams.keys()].length > 0)
        throw malformed('query parameters', new Error(`${binding.path} takes every field from the JSON body`));
      const body = await readBody(req, jsonBodyLimit(config));
      json = parseJson(body, binding.input);
    } else {
      json = paramsJson(binding.input, url.searchParams);
    }
    Object.assign(json, paramsJson(binding.input, Object.entries(params)));
    return encode(binding.input, json);
  }

  function parseJson(body: Buffer, schema: DescMessage): Record<string, JsonValue> {
    if (body.length === 0) return {};
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw malformed(`the body is not JSON for ${schema.typeName}`, err);
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      throw malformed(`the body is not JSON for ${schema.typeName}`, new Error('expected a JSON object'));
    return json as Record<string, JsonValue>;
  }

  function encode(schema: DescMessage, json: JsonValue): Uint8Array {
    let bytes: Uint8Array | undefined;
    try {
      if (fastRequests.has(schema.typeName)) bytes = fastBatchRequest(schema, json);
      bytes ??= toBinary(schema, fromJson(schema, json, jsonOptions));
    } catch (err) {
      throw malformed(`the JSON is not a ${schema.typeName}`, err);
    }
    // The gRPC side refuses a message over this size before decoding it; so does this side.
    if (bytes.length > config.maxMessageBytes) throw tooLarge(config.maxMessageBytes, 'request message');
    return bytes;
  }

  /** `POST /v1/emails:predict` with `Content-Type: message/rfc822`: the body is one raw message. */
  async function rawEmail(req: IncomingMessage, url: URL, ctx: CallContext): Promise<Buffer> {
    const view = url.searchParams.get('view') ?? 'RESULT_VIEW_FULL';
    const views: Record<string, ResultView> = {
      RESULT_VIEW_UNSPECIFIED: ResultView.RESULT_VIEW_UNSPECIFIED,
      RESULT_VIEW_FULL: ResultView.RESULT_VIEW_FULL,
      RESULT_VIEW_COMPACT: ResultView.RESULT_VIEW_COMPACT,
    };
    if (views[view] === undefined)
      throw malformed('query parameter "view"', new Error(`must be one of ${Object.keys(views).join(', ')}`));
    for (const k of url.searchParams.keys())
      if (k !== 'id' && k !== 'view')
        throw malformed(`query parameter "${k}"`, new Error('a message/rfc822 body takes only ?id= and ?view='));
    // The raw message travels as one EmailItem: the gRPC message limit is the bound here too.
    const raw = await readBody(req, config.maxMessageBytes);
    const request = { items: [{ id: url.searchParams.get('id') ?? '', value: raw }], view: views[view] };
    return services.callDecoded('predictEmails', request, ctx);
  }

  /** One line of a stream: its answer line. Errors are per line: the stream goes on, as a gRPC stream does for per-message errors. */
  async function streamLine(binding: HttpBinding, unaryKey: string, line: Buffer, ctx: CallContext) {
    try {
      const bytes = encode(binding.input, parseJson(line, binding.input));
      const out = await services.call(unaryKey, bytes, ctx);
      return `{"result":${answer(binding.output, out).toString('utf8')}}`;
    } catch (err) {
      return JSON.stringify({ error: errorBody(err, registry, logger).json });
    }
  }

  async function serveStream(binding: HttpBinding, req: IncomingMessage, res: ServerResponse, ctx: CallContext) {
    // A stream message and its batch RPC's request are the same fields: each line is run as that RPC.
    const unaryKey = binding.handlerKey.replace(/^streamP/, 'p');
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    try {
      for await (const line of readLines(req, jsonBodyLimit(config))) {
        if (line.toString('latin1').trim() === '') continue;
        const answer = await streamLine(binding, unaryKey, line, ctx);
        if (!res.write(`${answer}\n`)) await new Promise((r) => res.once('drain', r));
        if (ctx.signal.aborted) break;
      }
    } catch (err) {
      res.write(`${JSON.stringify({ error: errorBody(err, registry, logger).json })}\n`);
    }
    res.end();
  }

  async function serve(m: RpcMatch, req: IncomingMessage, res: ServerResponse, url: URL, ctx: CallContext) {
    const { binding } = m;
    if (binding.streaming) return serveStream(binding, req, res, ctx);
    const out =
      binding.handlerKey === 'predictEmails' && mediaType(req) === 'message/rfc822'
        ? await rawEmail(req, url, ctx)
        : await services.call(binding.handlerKey, await requestBytes(binding, req, url, m.params), ctx);
    sendJsonText(res, 200, answer(binding.output, out));
  }

  return { match, serve };
}
