import { baseEnvSchema, grpcTarget, refineBaseEnv } from './env.schema';
import { ConfigValidationError, loadConfig } from './load-config';

const schema = baseEnvSchema.superRefine(refineBaseEnv);

describe('grpcTarget', () => {
  it('accepts the addresses grpc-js dials: host:port, a dns: target, a bracketed IPv6 address, a unix socket', () => {
    const accepted = [
      '127.0.0.1:50051',
      'user:50051',
      'chatbot.example.com:443',
      'dns:///user:50051',
      'dns:news:50052',
      'dns://10.0.0.10:53/recommend.toutiao.svc.cluster.local:9999',
      '[::1]:9999',
      'unix:/run/chatbot.sock',
      'unix:///run/chatbot.sock',
    ];
    expect(accepted.filter((target) => !grpcTarget.safeParse(target).success)).toEqual([]);
  });

  it('refuses an address without a port (grpc-js would dial 443), a URL of another scheme, a port out of range and an empty value', () => {
    const refused = [
      'chatbot',
      'dns:///user',
      'http://chatbot:50053',
      'grpc://chatbot:50053',
      'chatbot:0',
      'chatbot:65536',
      'chatbot:port',
      'chat bot:50053',
      '::1:9999',
      'unix:',
      '',
    ];
    expect(refused.filter((target) => grpcTarget.safeParse(target).success)).toEqual([]);
  });

  it('checks every gRPC address the apps share at boot', () => {
    for (const name of ['USER_GRPC_URL', 'NEWS_GRPC_URL', 'RECOMMEND_GRPC_URL']) {
      const attempt = () => loadConfig(schema, { NODE_ENV: 'test', [name]: 'http://127.0.0.1:50051' });
      expect(attempt).toThrow(ConfigValidationError);
      expect(attempt).toThrow(name);
    }
    const config = loadConfig(schema, { NODE_ENV: 'test', USER_GRPC_URL: 'dns:///user:50051' });
    expect([config.USER_GRPC_URL, config.NEWS_GRPC_URL]).toEqual(['dns:///user:50051', '127.0.0.1:50052']);
  });
});
