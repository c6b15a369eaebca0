import { ENVELOPE_HEAD, ENVELOPE_TAIL, type Envelope } from './response-envelope.hook';

describe('ENVELOPE_HEAD and ENVELOPE_TAIL', () => {
  it('write around a value what the envelope hook serializes', () => {
    for (const data of [null, 0, '标题 "quoted"', [1, 'two'], { pre_timestamp: 1, results: [] }]) {
      const envelope: Envelope<unknown> = { message: 'OK', data };
      expect(`${ENVELOPE_HEAD}${JSON.stringify(data)}${ENVELOPE_TAIL}`).toBe(
        JSON.stringify(envelope),
      );
    }
  });
});
