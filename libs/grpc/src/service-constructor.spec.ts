import { CANDIDATE_GRPC, USER_GRPC } from './services';
import { serviceConstructor } from './service-constructor';

describe('serviceConstructor', () => {
  it('finds a packaged service and its methods in its proto file', () => {
    expect(Object.keys(serviceConstructor(CANDIDATE_GRPC).service)).toEqual(['RefreshCandidate']);
    expect(serviceConstructor(USER_GRPC).service.GetUser.path).toBe(
      '/toutiao.user.v1.UserService/GetUser',
    );
  });

  it('says which service a proto file lacks', () => {
    expect(() => serviceConstructor({ ...CANDIDATE_GRPC, serviceName: 'NoSuchService' })).toThrow(
      'toutiao.recommend.v1.NoSuchService is not defined in',
    );
  });
});
