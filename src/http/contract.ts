/**
 * The contract as protobuf-es descriptors, read from the descriptor set `npm run generate` writes
 * (src/gen/threatpredict.binpb, the one reflection serves): the message schemas for the canonical
 * JSON mapping, and each method's google.api.http rule. ts-proto (src/gen) has no reflection, and its
 * fromJSON is lenient (it ignores unknown fields), so the JSON side uses protobuf-es, which implements
 * the mapping to the letter (it passes the protobuf conformance suite).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  create,
  createFileRegistry,
  type DescExtension,
  type DescMessage,
  type DescMethod,
  fromBinary,
  getOption,
  type Registry,
} from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  file_google_protobuf_duration,
} from '@bufbuild/protobuf/wkt';

const DESCRIPTOR_SET = resolve(__dirname, '..', '..', 'src', 'gen', 'threatpredict.binpb');

export const HTTP_SERVICES = ['threatpredict.v1.PredictionService', 'threatpredict.v1.ModelService'] as const;

/** One google.api.http rule, as src/http serves it. */
export interface HttpBinding {
  /** `threatpredict.v1.PredictionService.PredictDomains` */
  fullName: string;
  /** The grpc-js handler key (lowerCamel method name), e.g. `predictDomains`. */
  handlerKey: string;
  service: 'PredictionService' | 'ModelService';
  httpMethod: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path template, e.g. `/v1/models/{name}` or `/v1/domains:predict`. */
  path: string;
  /** `*` (the whole request is the body), a field name, or empty (no body: fields from the path and query). */
  body: string;
  streaming: boolean;
  input: DescMessage;
  output: DescMessage;
}

export interface Contract {
  registry: Registry;
  bindings: HttpBinding[];
}

interface HttpRuleShape {
  pattern: { case: string | undefined; value?: unknown };
  body: string;
}

function bindingOf(method: DescMethod, rule: HttpRuleShape): HttpBinding | undefined {
  const { case: verb, value } = rule.pattern;
  if (verb === undefined || verb === 'custom' || typeof value !== 'string') return undefined;
  const name = method.parent.name;
  if (name !== 'PredictionService' && name !== 'ModelService') return undefined;
  return {
    fullName: `${method.parent.typeName}.${method.name}`,
    handlerKey: method.name[0]!.toLowerCase() + method.name.slice(1),
    service: name,
    httpMethod: verb.toUpperCase() as HttpBinding['httpMethod'],
    path: value,
    body: rule.body,
    streaming: method.methodKind !== 'unary',
    input: method.input,
    output: method.output,
  };
}

/**
 * google.rpc.RetryInfo, which src/server/convert.ts writes by hand into EMAIL_QUEUE_FULL errors (its
 * .proto is not vendored): described here so that the JSON of such an error can spell it out.
 */
function retryInfoFile() {
  const proto = create(FileDescriptorProtoSchema, {
    name: 'threatpredict/http/retry_info.proto',
    package: 'google.rpc',
    syntax: 'proto3',
    dependency: ['google/protobuf/duration.proto'],
    messageType: [
      {
        name: 'RetryInfo',
        field: [
          {
            name: 'retry_delay',
            jsonName: 'retryDelay',
            number: 1,
            label: FieldDescriptorProto_Label.OPTIONAL,
            type: FieldDescriptorProto_Type.MESSAGE,
            typeName: '.google.protobuf.Duration',
          },
        ],
      },
    ],
  });
  return createFileRegistry(proto, (name) =>
    name === 'google/protobuf/duration.proto' ? file_google_protobuf_duration : undefined,
  );
}

/** Reads the descriptor set once; every method of our two services must have an HTTP rule. */
export function loadContract(path: string = DESCRIPTOR_SET): Contract {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(path));
  const contract = createFileRegistry(set);
  const registry = contract.getMessage('google.rpc.RetryInfo')
    ? contract
    : createFileRegistry(contract, retryInfoFile());
  const http = registry.getExtension('google.api.http') as DescExtension | undefined;
  if (http === undefined) throw new Error(`${path} has no google.api.http extension (run npm run generate)`);
  const bindings: HttpBinding[] = [];
  for (const serviceName of HTTP_SERVICES) {
    const service = registry.getService(serviceName);
    if (service === undefined) throw new Error(`${path} has no service ${serviceName}`);
    for (const method of service.methods) {
      const rule = (getOption as (d: DescMethod, e: DescExtension) => unknown)(method, http) as
        | HttpRuleShape
        | undefined;
      const binding = rule === undefined ? undefined : bindingOf(method, rule);
      if (binding === undefined) throw new Error(`${serviceName}.${method.name} has no google.api.http rule`);
      bindings.push(binding);
    }
  }
  return { registry, bindings };
}
