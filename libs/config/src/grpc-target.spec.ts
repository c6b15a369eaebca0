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

  it("accepts grpc-js' static address lists, an absolute DNS name, a name holding an underscore and a scoped IPv6 address", () => {
    const accepted = [
      'ipv4:10.0.0.11:50051',
      'ipv4:10.0.0.11:50051,10.0.0.12:50051',
      'ipv6:[fd00::11]:50051',
      'ipv6:[fd00::11]:50051,[fd00::12]:50051',
      // A name ending in a dot is looked up as it is, not under each search domain of resolv.conf first.
      'user.toutiao.svc.cluster.local.:50051',
      'dns:///user.toutiao.svc.cluster.local.:50051',
      // Compose service and container names may hold underscores; Docker's DNS answers them.
      'toutiao_user:50051',
      '[fe80::1%eth0]:50051',
    ];
    expect(accepted.filter((target) => !grpcTarget.safeParse(target).success)).toEqual([]);
    // Their ipv4 and ipv6 resolvers dial 443 too where an address has no port.
    const refused = [
      'ipv4:10.0.0.11',
      'ipv4:10.0.0.11:50051,10.0.0.12',
      'ipv4:user:50051',
      'ipv4:[fd00::11]:50051',
      'ipv6:[fd00::11]',
      'ipv6:fd00::11',
      'ipv6:10.0.0.11:50051',
      'ipv4:',
      'ipv4:10.0.0.11:50051,',
      // grpc-js registers neither scheme: it would look the whole target up as a DNS name.
      'unix-abstract:chatbot',
      'xds:///user:50051',
      '.:50051',
      'user..:50051',
    ];
    expect(refused.filter((target) => grpcTarget.safeParse(target).success)).toEqual([]);
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
      const attempt = () =>
        loadConfig(schema, { NODE_ENV: 'test', [name]: 'http://127.0.0.1:50051' });
      expect(attempt).toThrow(ConfigValidationError);
      expect(attempt).toThrow(name);
    }
    const config = loadConfig(schema, { NODE_ENV: 'test', USER_GRPC_URL: 'dns:///user:50051' });
    expect([config.USER_GRPC_URL, config.NEWS_GRPC_URL]).toEqual([
      'dns:///user:50051',
      '127.0.0.1:50052',
    ]);
  });
});
