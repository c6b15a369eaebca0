import { RouteConfig } from '@nestjs/platform-fastify';

/** Fastify route config flag read by the envelope hook. */
export const RAW_RESPONSE = 'rawResponse';

/** The handler's result is sent as is, without the `{"message":"OK","data":…}` envelope (JWKS, probes). */
export const RawResponse = (): MethodDecorator => RouteConfig({ [RAW_RESPONSE]: true });
