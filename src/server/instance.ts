/**
 * Which server process answered. Behind a balancer a client cannot tell, and an operator checking
 * that calls spread over the fleet (or a test counting them) needs to: every response's headers carry
 * `threatpredict-instance: <id>` (`--instance-id`; host/pid by default), and GetServerInfo says the
 * same. One short header is ~1 byte per call once HPACK has indexed it.
 */
import { type Metadata, ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';

export const INSTANCE_HEADER = 'threatpredict-instance';

export function instanceInterceptor(instanceId: string): ServerInterceptor {
  return (_method, call) =>
    new ServerInterceptingCall(call, {
      sendMetadata: (metadata: Metadata, next: (m: Metadata) => void) => {
        metadata.set(INSTANCE_HEADER, instanceId);
        next(metadata);
      },
    });
}
