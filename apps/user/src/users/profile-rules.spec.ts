import {
  checkProfileChanges,
  isCalendarDate,
  todayIn,
  withoutUnchangedName,
} from './profile-rules';
import { ProfileMessages } from './user.errors';

const TODAY = '2024-06-15';
const errorOf = (changes: Parameters<typeof checkProfileChanges>[0]) => {
  const result = checkProfileChanges(changes, TODAY);
  return 'problem' in result ? result.problem : undefined;
};
const refused = (field: string, message: string) => ({ field, message });

describe('checkProfileChanges', () => {
  it('accepts valid changes, gender 0 included, and upper-cases id numbers', () => {
    expect(
      checkProfileChanges(
        {
          name: '七个字的名字呀',
          gender: 0,
          birthday: TODAY,
          intro: '',
          idNumber: '11010519491231002x',
        },
        TODAY,
      ),
    ).toEqual({
      changes: {
        name: '七个字的名字呀',
        gender: 0,
        birthday: TODAY,
        intro: '',
        idNumber: '11010519491231002X',
      },
    });
    expect(
      checkProfileChanges({ email: 'me@example.com', photo: `${'a'.repeat(64)}.png` }, TODAY),
    ).toHaveProperty('changes');
  });

  it('counts characters, not UTF-16 units, and refuses control characters', () => {
    expect(errorOf({ name: '😀😀😀😀😀😀😀' })).toBeUndefined();
    expect(errorOf({ name: '😀😀😀😀😀😀😀😀' })).toEqual(refused('name', ProfileMessages.name));
    expect(errorOf({ name: '' })).toEqual(refused('name', ProfileMessages.name));
    expect(errorOf({ name: '   ' })).toEqual(refused('name', ProfileMessages.name));
    expect(errorOf({ name: 'a\tb' })).toEqual(refused('name', ProfileMessages.name));
    expect(errorOf({ name: 'a\u2028b' })).toEqual(refused('name', ProfileMessages.name));
    expect(errorOf({ name: 'a\u2029b' })).toEqual(refused('name', ProfileMessages.name));
    expect(errorOf({ realName: '张\u2028三' })).toEqual(
      refused('real_name', ProfileMessages.realName),
    );
    expect(errorOf({ intro: 'x'.repeat(61) })).toEqual(refused('intro', ProfileMessages.intro));
    const oneLine = refused('intro', 'Intro must be a single line.');
    expect(errorOf({ intro: 'two\nlines' })).toEqual(oneLine);
    expect(errorOf({ intro: `${'x'.repeat(60)}\n` })).toEqual(oneLine);
    // Clients show a line or paragraph separator as a line break.
    expect(errorOf({ intro: 'two\u2028lines' })).toEqual(oneLine);
    expect(errorOf({ intro: 'two\u2029paragraphs' })).toEqual(oneLine);
    expect(errorOf({ realName: '一二三四五六七八' })).toEqual(
      refused('real_name', ProfileMessages.realName),
    );
  });

  it('refuses a name or real name of invisible characters only, as an empty one', () => {
    for (const name of [
      '\u200b',
      '\u200b\u200c\u200d\u2060',
      '\u00ad',
      '\u3164\u115f',
      '\u202e',
      '\ufe0f',
    ]) {
      expect([name, errorOf({ name })]).toEqual([name, refused('name', ProfileMessages.name)]);
      expect([name, errorOf({ realName: name })]).toEqual([
        name,
        refused('real_name', ProfileMessages.realName),
      ]);
    }
    // Joiners inside an emoji are part of it.
    expect(errorOf({ name: '👨\u200d👩\u200d👧' })).toBeUndefined();
    expect(errorOf({ name: '❤\ufe0f' })).toBeUndefined();
    expect(errorOf({ intro: '\u200b' })).toBeUndefined();
  });

  it('refuses a name or real name with an invisible character inside, a lookalike of one without it', () => {
    for (const name of [
      '张\u200b三',
      'ab\u2060c',
      'a\u00adb',
      'a\u200db',
      'a\u200cb',
      '13\u200d8',
      'a\u202eb',
      'a\u2067b',
      'a\ufeffb',
      'a\u034fb',
      'a\u3164b',
      'a\ufe0fb',
      '1\ufe0f',
      '葛\u{e0100}',
      'a\u{e0041}b',
      // Selectors, joiners and tags that make no emoji: on one shown as an emoji already, dangling.
      '😀\ufe0f',
      '😀\u200b😀',
      '👨\u200d',
      '👨\u200d\u200d👩',
      '\u{1f3f4}\u{e0067}',
    ]) {
      expect([name, errorOf({ name })]).toEqual([
        name,
        refused('name', ProfileMessages.invisibleName),
      ]);
      expect([name, errorOf({ realName: name })]).toEqual([
        name,
        refused('real_name', ProfileMessages.invisibleRealName),
      ]);
    }
  });

  it('keeps emoji sequences, whose joiners, selectors and tags show, and spaces inside a name', () => {
    for (const name of [
      '👨\u200d👩\u200d👧',
      '❤\ufe0f',
      'a❤\ufe0fb',
      '👩🏽\u200d💻',
      '⛹🏻\u200d♂\ufe0f',
      '🏳\ufe0f\u200d🌈',
      '🐻\u200d❄\ufe0f',
      '🏴\u200d☠\ufe0f',
      '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}',
      '1\ufe0f\u20e3',
      '🇨🇳',
      '张 三',
      '七个字的名字呀',
    ])
      expect([name, errorOf({ name, realName: name })]).toEqual([name, undefined]);
  });

  it('takes the signs written over digits as showing, and no other format or default-ignorable character', () => {
    for (const name of ['\u06dd', '\u0600١٢٣', 'a\u06ddb', '\u070f', '\u{110bd}'])
      expect([name, errorOf({ name, realName: name })]).toEqual([name, undefined]);
    for (const name of ['\u17b4', '\u17b5 ', '\u180b\u180f']) {
      expect([name, errorOf({ name })]).toEqual([name, refused('name', ProfileMessages.name)]);
      expect([name, errorOf({ realName: name })]).toEqual([
        name,
        refused('real_name', ProfileMessages.realName),
      ]);
    }
  });

  it('allows only gender 0 and 1', () => {
    expect(errorOf({ gender: 1 })).toBeUndefined();
    expect(errorOf({ gender: 2 })).toEqual(refused('gender', ProfileMessages.gender));
    expect(errorOf({ gender: -1 })).toEqual(refused('gender', ProfileMessages.gender));
  });

  it('wants a real past birthday', () => {
    expect(errorOf({ birthday: '2024-02-29' })).toBeUndefined();
    expect(errorOf({ birthday: '2023-02-29' })).toEqual(
      refused('birthday', ProfileMessages.birthday),
    );
    expect(errorOf({ birthday: '1990-5-1' })).toEqual(
      refused('birthday', ProfileMessages.birthday),
    );
    expect(errorOf({ birthday: '1899-12-31' })).toEqual(
      refused('birthday', ProfileMessages.birthday),
    );
    expect(errorOf({ birthday: '2024-06-16' })).toEqual({
      message: ProfileMessages.birthdayInFuture,
    });
  });

  it('checks id numbers, emails and storage keys, each named by its request field', () => {
    expect(errorOf({ idNumber: '110105491231002' })).toBeUndefined();
    expect(errorOf({ idNumber: '12345' })).toEqual(refused('id_number', ProfileMessages.idNumber));
    expect(errorOf({ email: 'not-an-email' })).toEqual(refused('email', ProfileMessages.email));
    expect(errorOf({ email: 'a-very-long-name@example.com' })).toEqual(
      refused('email', ProfileMessages.email),
    );
    expect(errorOf({ photo: '../../etc/passwd' })).toEqual(refused('photo', ProfileMessages.image));
    expect(errorOf({ idCardBack: 'http://evil.test/x.png' })).toEqual(
      refused('id_card_back', ProfileMessages.image),
    );
  });
});

describe('dates', () => {
  it('knows real calendar dates', () => {
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
  });

  it('tells today in a time zone', () => {
    const instant = new Date('2024-06-15T20:00:00Z');
    expect(todayIn('Asia/Shanghai', instant)).toBe('2024-06-16');
    expect(todayIn('UTC', instant)).toBe('2024-06-15');
  });
});

describe('withoutUnchangedName', () => {
  it('drops a name equal to the current one and keeps every other field', () => {
    expect(withoutUnchangedName({ name: '13911111111', intro: 'x' }, '13911111111')).toEqual({
      name: undefined,
      intro: 'x',
    });
  });

  it('keeps a changed name, however it differs, for the rules to check', () => {
    const changes = { name: '13911111112', intro: 'x' };
    expect(withoutUnchangedName(changes, '13911111111')).toEqual(changes);
    expect(withoutUnchangedName({ name: 'Me' }, 'me')).toEqual({ name: 'Me' });
    expect(withoutUnchangedName({ intro: 'x' }, 'me')).toEqual({ intro: 'x' });
  });

  it('strips the white space around a name, which is no change when that leaves the current one', () => {
    expect(withoutUnchangedName({ name: '\u3000aaa ' }, 'me')).toEqual({ name: 'aaa' });
    expect(withoutUnchangedName({ name: ' ' }, 'me')).toEqual({ name: '' });
    expect(withoutUnchangedName({ name: 'me ' }, 'me')).toEqual({ name: undefined });
    expect(withoutUnchangedName({ name: '\u200b\u2060aaa\ufeff\u200e' }, 'me')).toEqual({
      name: 'aaa',
    });
    expect(withoutUnchangedName({ name: '\u200bme' }, 'me')).toEqual({ name: undefined });
    expect(withoutUnchangedName({ name: 'a\u200db' }, 'me')).toEqual({ name: 'a\u200db' });
    // The blank braille pattern and the combining grapheme joiner show nothing anywhere; variation
    // selectors and tags only act on a character before them, so none can begin a name.
    for (const name of ['\u2800aaa\u2800', '\u034faaa\u034f', '\ufe0f\u{e0100}aaa', '\u{e0041}aaa'])
      expect([name, withoutUnchangedName({ name }, 'me')]).toEqual([name, { name: 'aaa' }]);
    // At its end they are part of an emoji: ❤️, a subdivision flag.
    const flag = '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}';
    for (const name of ['a\u2764\ufe0f', flag])
      expect(withoutUnchangedName({ name }, 'me')).toEqual({ name });
    // A name stored with its spaces before they were stripped, sent back as loaded.
    expect(withoutUnchangedName({ name: ' me' }, ' me')).toEqual({ name: undefined });
  });

  it('keeps the blanks inside a name, however many, and strips only those around it', () => {
    const inside = ' \u3000\u200b'.repeat(20_000);
    expect(withoutUnchangedName({ name: `\u200b a${inside}b${inside}` }, 'me')).toEqual({
      name: `a${inside}b`,
    });
  });
});
