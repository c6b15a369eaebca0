import { isSnowflakeId } from './snowflake-id';

describe('isSnowflakeId', () => {
  it('accepts positive decimal ids of up to 20 digits', () => {
    expect(['1', '1300000000000000001', '99999999999999999999'].every(isSnowflakeId)).toBe(true);
  });

  it('refuses anything else', () => {
    for (const value of [
      '',
      '0',
      '01',
      '-1',
      '1.5',
      ' 1',
      '123456789012345678901',
      'abc',
      1,
      null,
      undefined,
    ]) {
      expect(isSnowflakeId(value)).toBe(false);
    }
  });
});
