/**
 * gRPC server reflection (v1 and v1alpha) served from the descriptor set that `buf build` writes.
 * @grpc/reflection builds descriptors through protobufjs and loses the well-known and vendored
 * imports (google.protobuf.Timestamp, google.rpc.Status: grpc-node#2958), so `grpcurl describe`
 * fails with it; serving buf's own FileDescriptorProtos byte for byte avoids the translation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  type DescriptorProto,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from '@bufbuild/protobuf/wkt';
import { loadPackageDefinition, type Server, type ServerDuplexStream, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

interface ReflectionRequest {
  host?: string;
  fileByFilename?: string;
  fileContainingSymbol?: string;
  fileContainingExtension?: unknown;
  allExtensionNumbersOfType?: string;
  listServices?: string;
  messageRequest?: string;
}

interface DescriptorIndex {
  files: Map<string, { bytes: Buffer; deps: string[] }>;
  symbols: Map<string, string>;
  services: string[];
}

function indexMessages(prefix: string, messages: DescriptorProto[], file: string, symbols: Map<string, string>): void {
  for (const m of messages) {
    const name = `${prefix}${m.name}`;
    symbols.set(name, file);
    for (const e of m.enumType) symbols.set(`${name}.${e.name}`, file);
    indexMessages(`${name}.`, m.nestedType, file, symbols);
  }
}

export function indexDescriptorSet(bytes: Uint8Array, servedServices: readonly string[]): DescriptorIndex {
  const set = fromBinary(FileDescriptorSetSchema, bytes);
  const files = new Map<string, { bytes: Buffer; deps: string[] }>();
  const symbols = new Map<string, string>();
  for (const f of set.file as FileDescriptorProto[]) {
    files.set(f.name, { bytes: Buffer.from(toBinary(FileDescriptorProtoSchema, f)), deps: f.dependency });
    const prefix = f.package === '' ? '' : `${f.package}.`;
    indexMessages(prefix, f.messageType, f.name, symbols);
    for (const e of f.enumType) symbols.set(`${prefix}${e.name}`, f.name);
    for (const s of f.service) {
      symbols.set(`${prefix}${s.name}`, f.name);
      for (const m of s.method) symbols.set(`${prefix}${s.name}.${m.name}`, f.name);
    }
  }
  return { files, symbols, services: [...servedServices] };
}

/** The file and everything it imports, transitively, dependencies first (what grpcurl expects). */
function withDependencies(index: DescriptorIndex, name: string): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const f = index.files.get(n);
    if (f === undefined) return;
    for (const d of f.deps) visit(d);
    out.push(f.bytes);
  };
  visit(name);
  return out.reverse();
}

function answer(index: DescriptorIndex, req: ReflectionRequest) {
  const base = { validHost: req.host ?? '', originalRequest: req };
  const notFound = (what: string) => ({ ...base, errorResponse: { errorCode: 5, errorMessage: `${what} not found` } });
  if (req.listServices !== undefined) {
    return { ...base, listServicesResponse: { service: index.services.map((name) => ({ name })) } };
  }
  if (req.fileByFilename !== undefined) {
    if (!index.files.has(req.fileByFilename)) return notFound(`file ${req.fileByFilename}`);
    return { ...base, fileDescriptorResponse: { fileDescriptorProto: withDependencies(index, req.fileByFilename) } };
  }
  if (req.fileContainingSymbol !== undefined) {
    const file = index.symbols.get(req.fileContainingSymbol);
    if (file === undefined) return notFound(`symbol ${req.fileContainingSymbol}`);
    return { ...base, fileDescriptorResponse: { fileDescriptorProto: withDependencies(index, file) } };
  }
  if (req.allExtensionNumbersOfType !== undefined) {
    if (!index.symbols.has(req.allExtensionNumbersOfType)) return notFound(`type ${req.allExtensionNumbersOfType}`);
    return {
      ...base,
      allExtensionNumbersResponse: { baseTypeName: req.allExtensionNumbersOfType, extensionNumber: [] },
    };
  }
  return { ...base, errorResponse: { errorCode: 12, errorMessage: 'request kind not supported' } };
}

const REFLECTION_PROTOS = join(require.resolve('@grpc/reflection/package.json'), '..', 'build', 'proto');

export function addReflection(server: Server, descriptorSetPath: string, servedServices: readonly string[]): void {
  const index = indexDescriptorSet(readFileSync(descriptorSetPath), [
    ...servedServices,
    'grpc.reflection.v1.ServerReflection',
    'grpc.reflection.v1alpha.ServerReflection',
  ]);
  for (const version of ['v1', 'v1alpha']) {
    const def = loadSync(`grpc/reflection/${version}/reflection.proto`, {
      includeDirs: [REFLECTION_PROTOS],
      oneofs: true,
    });
    const pkg = loadPackageDefinition(def) as unknown as {
      grpc: { reflection: Record<string, { ServerReflection: { service: ServiceDefinition } }> };
    };
    const service = pkg.grpc.reflection[version]!.ServerReflection.service;
    server.addService(service, {
      ServerReflectionInfo: (call: ServerDuplexStream<ReflectionRequest, unknown>) => {
        call.on('data', (req: ReflectionRequest) => call.write(answer(index, req)));
        call.on('end', () => call.end());
        call.on('error', () => {});
      },
    });
  }
}
