import { SetMetadata } from '@nestjs/common';

export const RAW_RESPONSE = 'edge:raw-response';

/** The handler's result is sent as is, without the `{"message":"OK","data":…}` envelope (JWKS, probes). */
export const RawResponse = (): MethodDecorator => SetMetadata(RAW_RESPONSE, true);
