import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { createValidationPipe, NAME_MAX_SENT_LENGTH } from '@app/grpc';

import { ProfileFieldMessages, UpdateProfileDto } from './update-profile.dto';

async function errors(body: object): Promise<Record<string, string>> {
  const found = await validate(plainToInstance(UpdateProfileDto, body), { whitelist: true });
  return Object.fromEntries(
    found.map((error) => [error.property, Object.values(error.constraints ?? {})[0] ?? '']),
  );
}

describe('UpdateProfileDto', () => {
  it('accepts every field optional, gender 0 and numeric strings for gender', async () => {
    expect(await errors({})).toEqual({});
    expect(
      await errors({
        gender: 0,
        name: '七个字的名字呀',
        intro: '',
        birthday: '2000-02-29',
        id_number: '110105491231002',
      }),
    ).toEqual({});
    expect(plainToInstance(UpdateProfileDto, { gender: '0' }).gender).toBe(0);
    expect(await errors({ gender: '1' })).toEqual({});
  });

  it('refuses text with a lone surrogate (half an emoji), which gRPC would pass on as garbage', async () => {
    expect(
      await errors({ name: 'ab\ud800', intro: 'intro \ud83d', real_name: '\udc00张三' }),
    ).toEqual({
      name: ProfileFieldMessages.name,
      intro: ProfileFieldMessages.introWhole,
      real_name: ProfileFieldMessages.realNameWhole,
    });
    expect(await errors({ name: '😀ab', intro: '😀', real_name: '张三😀' })).toEqual({});
  });

  it('tells an intro holding half an emoji so, whatever its length, where it was told it was too long', async () => {
    expect(ProfileFieldMessages.introWhole).toBe('Intro must be whole characters.');
    expect(await errors({ intro: '\udc00' })).toEqual({ intro: ProfileFieldMessages.introWhole });
    expect(await errors({ intro: `${'x'.repeat(70)}\ud83d` })).toEqual({
      intro: ProfileFieldMessages.introWhole,
    });
    expect(await errors({ intro: 'x'.repeat(61) })).toEqual({ intro: ProfileFieldMessages.intro });
  });

  it('refuses an intro holding a line or paragraph separator, which clients show as a line break, as one holding a line break', async () => {
    for (const intro of ['two\u2028lines', 'two\u2029paragraphs', '\u2028']) {
      expect([intro, await errors({ intro })]).toEqual([
        intro,
        { intro: ProfileFieldMessages.introLine },
      ]);
    }
  });

  it('refuses a real name holding a line or paragraph separator, as the user service does, before it is sent on', async () => {
    for (const real_name of ['张\u2028三', '张三\u2029']) {
      expect([real_name, await errors({ real_name })]).toEqual([
        real_name,
        { real_name: ProfileFieldMessages.realName },
      ]);
    }
  });

  it('tells a real name holding half an emoji so, whatever its length, as an intro is told', async () => {
    expect(ProfileFieldMessages.realNameWhole).toBe('Real name must be whole characters.');
    for (const real_name of ['\ud83d', '张三\udc00', `${'张'.repeat(8)}\ud800`]) {
      expect([real_name, await errors({ real_name })]).toEqual([
        real_name,
        { real_name: ProfileFieldMessages.realNameWhole },
      ]);
    }
    expect(await errors({ real_name: '张\n三' })).toEqual({
      real_name: ProfileFieldMessages.realName,
    });
  });

  it('answers the reference-style message of each bad field', async () => {
    expect(
      await errors({
        name: 12345678,
        intro: 'x'.repeat(61),
        gender: 2,
        birthday: '2001-02-29',
        real_name: '',
        id_number: 'abc',
        photo: 42,
      }),
    ).toEqual({
      name: ProfileFieldMessages.name,
      intro: ProfileFieldMessages.intro,
      gender: ProfileFieldMessages.gender,
      birthday: ProfileFieldMessages.birthday,
      real_name: ProfileFieldMessages.realName,
      id_number: ProfileFieldMessages.idNumber,
      photo: ProfileFieldMessages.image,
    });
  });

  it('leaves the length of a name to the user service, which alone knows whether it is a change', async () => {
    expect(await errors({ name: '13911111111', intro: 'hi' })).toEqual({});
    expect(await errors({ name: '' })).toEqual({});
    expect(await errors({ name: ` ${'😀'.repeat(32)} `.padEnd(NAME_MAX_SENT_LENGTH) })).toEqual({});
  });

  it('refuses a name longer than any the user service could take, which might not fit in a gRPC message', async () => {
    expect(await errors({ name: 'x'.repeat(NAME_MAX_SENT_LENGTH + 1) })).toEqual({
      name: ProfileFieldMessages.name,
    });
  });

  it('refuses birthdays in the future and before 1900', async () => {
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    expect(await errors({ birthday: nextYear })).toEqual({
      birthday: ProfileFieldMessages.birthday,
    });
    expect(await errors({ birthday: '1899-12-31' })).toEqual({
      birthday: ProfileFieldMessages.birthday,
    });
  });

  it('loses privileged fields in the edge validation pipe (whitelist), keeping the allowed ones', async () => {
    const body = {
      intro: 'hi',
      is_media: true,
      status: 0,
      certi: 'x',
      id: '1',
      mobile: '13800000000',
      fans_count: 9,
    };
    const dto: unknown = await createValidationPipe().transform(body, {
      type: 'body',
      metatype: UpdateProfileDto,
    });
    expect(dto).toBeInstanceOf(UpdateProfileDto);
    expect({ ...(dto as UpdateProfileDto) }).toEqual({ intro: 'hi' });
  });
});
