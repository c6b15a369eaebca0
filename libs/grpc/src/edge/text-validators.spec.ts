import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import { NameAndIntroMessages } from './profile-messages';
import { IsIntro } from './text-validators';

class Profile {
  @IsIntro()
  intro?: unknown;
}

async function message(intro: unknown): Promise<string | undefined> {
  const [error] = await validate(plainToInstance(Profile, { intro }));
  return error && Object.values(error.constraints ?? {})[0];
}

describe('IsIntro', () => {
  it('accepts one line of 0 to 60 characters, counted as people count them', async () => {
    for (const intro of ['', '  ', '一行简介', 'x'.repeat(60), '😀'.repeat(60)]) {
      expect([intro, await message(intro)]).toEqual([intro, undefined]);
    }
  });

  it('tells an intro longer than 60 characters, or no string, its length limit', async () => {
    for (const intro of ['x'.repeat(61), '😀'.repeat(61), 42, null]) {
      expect([intro, await message(intro)]).toEqual([intro, NameAndIntroMessages.intro]);
    }
    expect(NameAndIntroMessages.intro).toBe('Intro must be at most 60 characters.');
  });

  it('refuses a line break, a line or paragraph separator or another control character as a second line', async () => {
    for (const intro of ['two\nlines', 'two\r\nlines', 'two\u2028lines', 'two\u2029paragraphs']) {
      expect([intro, await message(intro)]).toEqual([intro, NameAndIntroMessages.introLine]);
    }
    expect(await message(`${'x'.repeat(70)}\u2028`)).toBe(NameAndIntroMessages.introLine);
    expect(await message('tab\there')).toBe(NameAndIntroMessages.introLine);
    expect(await message('nul\u0000')).toBe(NameAndIntroMessages.introLine);
    expect(NameAndIntroMessages.introLine).toBe('Intro must be a single line.');
  });

  it('tells an intro holding half an emoji so, whatever its length', async () => {
    for (const intro of ['\ud83d', 'intro \udc00', `${'x'.repeat(70)}\ud800`]) {
      expect([intro, await message(intro)]).toEqual([intro, NameAndIntroMessages.introWhole]);
    }
    expect(NameAndIntroMessages.introWhole).toBe('Intro must be whole characters.');
  });
});
