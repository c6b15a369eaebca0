import { NAME_MAX_SENT_LENGTH } from '@app/grpc';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import { MpProfileMessages, UpdateMpProfileDto } from './update-mp-profile.dto';

async function errors(body: object): Promise<Record<string, string>> {
  const found = await validate(plainToInstance(UpdateMpProfileDto, body), { whitelist: true });
  return Object.fromEntries(
    found.map((error) => [error.property, Object.values(error.constraints ?? {})[0] ?? '']),
  );
}

describe('UpdateMpProfileDto', () => {
  it('sends on a name the user service may take as the current one, white space around it included', async () => {
    expect(await errors({ name: '13911111111', intro: 'hi', email: '' })).toEqual({});
    expect(await errors({ name: ` ${'😀'.repeat(32)} `.padEnd(NAME_MAX_SENT_LENGTH) })).toEqual({});
  });

  it('tells an intro holding half an emoji so, whatever its length, as the name is refused for one', async () => {
    expect(MpProfileMessages.introWhole).toBe('Intro must be whole characters.');
    expect(await errors({ name: 'ab\ud800', intro: 'intro \ud83d' })).toEqual({
      name: MpProfileMessages.name,
      intro: MpProfileMessages.introWhole,
    });
    expect(await errors({ intro: `${'x'.repeat(70)}\udc00` })).toEqual({
      intro: MpProfileMessages.introWhole,
    });
    expect(await errors({ intro: 'x'.repeat(61) })).toEqual({ intro: MpProfileMessages.intro });
    expect(await errors({ intro: '😀' })).toEqual({});
  });

  it('refuses an intro holding a line or paragraph separator, which clients show as a line break, as one holding a line break', async () => {
    for (const intro of ['第一行\u2028第二行', 'two\u2029paragraphs', '\u2029']) {
      expect([intro, await errors({ intro })]).toEqual([
        intro,
        { intro: MpProfileMessages.introLine },
      ]);
    }
  });

  it('refuses a name longer than any the user service could take, as the app does, before it is sent on', async () => {
    expect(await errors({ name: 'x'.repeat(NAME_MAX_SENT_LENGTH + 1) })).toEqual({
      name: MpProfileMessages.name,
    });
    expect(await errors({ name: `a${' '.repeat(900_000)}b` })).toEqual({
      name: MpProfileMessages.name,
    });
  });
});
