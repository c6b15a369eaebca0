import { HIDDEN_CHARACTER, isBlankText } from '@app/grpc';

import { Gender } from './user-profile.entity';
import { ProfileMessages, type ProfileProblem } from './user.errors';

/** The profile fields a user may change about themselves; nothing privileged. */
export interface ProfileChanges {
  name?: string;
  photo?: string;
  intro?: string;
  email?: string;
  gender?: number;
  birthday?: string;
  realName?: string;
  idNumber?: string;
  idCardFront?: string;
  idCardBack?: string;
  idCardHandheld?: string;
}

export const NAME_MAX_CHARS = 7;
export const INTRO_MAX_CHARS = 60;
const GENDERS: readonly number[] = [Gender.Male, Gender.Female];
const EARLIEST_BIRTHDAY = '1900-01-01';
// The reference parser's 18-digit (century 18/19/2x) and legacy 15-digit numbers (its 15-digit
// branch matched 14 digits; fixed).
const ID_NUMBER =
  /^(?:[1-9]\d{5}(?:18|19|[23]\d)\d{2}(?:0[1-9]|1[0-2])(?:[0-2][1-9]|10|20|30|31)\d{3}[0-9Xx]|[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:[0-2][1-9]|10|20|30|31)\d{3})$/;
const EMAIL = /^[A-Za-z0-9_.\u4e00-\u9fa5-]+@[A-Za-z0-9_.-]+\.[A-Za-z]{2,8}$/;
// Keys the edges produce (content hashes) and legacy Qiniu keys; never paths or URLs.
const STORAGE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
// Line breaks and other control characters never belong in a one-line text field.
const CONTROL = /\p{Cc}/u;
// The Unicode line and paragraph separators break a line too (clients show them as one), and
// where they show as a space a name holding one is a lookalike of the name with a space, which the
// unique key tells apart.
const LINE_SEPARATOR = /[\u2028\u2029]/u;
// What shows nothing, stripped around a name: white space, zero-width and direction marks, word
// joiners, the byte order mark, soft hyphens, the Hangul fillers, the blank braille pattern and the
// combining grapheme joiner.
const BLANK = String.raw`[\s\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u2800\u3164\ufeff\uffa0]|\u034f`;
// Variation selectors and tags act on the character before them (❤️, a subdivision flag): none
// can begin a name, and at its end they stay.
const SELECTOR = String.raw`[\ufe00-\ufe0f]|[\u{e0000}-\u{e007f}]|[\u{e0100}-\u{e01ef}]`;
const LEADING_BLANKS = new RegExp(`^(?:${BLANK}|${SELECTOR})+`, 'u');
const ONE_BLANK = new RegExp(`^(?:${BLANK})$`, 'u');

// Where such characters show, as part of an emoji (UTS #51): a pictograph with a skin tone, or with
// the selector that shows one that is text by default as an emoji (❤️; on one that is an emoji
// already it changes nothing), several joined by ZWJ (👨‍👩‍👧), a subdivision flag's tags, a keycap.
const EMOJI = String.raw`\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|(?<!\p{Emoji_Presentation})\ufe0f)?`;
const EMOJI_SEQUENCE = new RegExp(
  String.raw`\u{1f3f4}[\u{e0020}-\u{e007e}]+\u{e007f}|[#*0-9]\ufe0f\u20e3|${EMOJI}(?:\u200d${EMOJI})*`,
  'gu',
);

/**
 * True when a name holds a character that shows nothing (zero-width spaces and joiners, soft
 * hyphens, bidi controls, selectors, tags, Hangul fillers, …) other than as part of an emoji:
 * a lookalike of the name without it, which the unique key's collation tells apart for some.
 */
function hidesCharacters(value: string): boolean {
  return HIDDEN_CHARACTER.test(value.replace(EMOJI_SEQUENCE, ''));
}

/** Characters as people count them (code points), not UTF-16 units. */
function charCount(value: string): number {
  return [...value].length;
}

function isLine(value: string, max: number): boolean {
  return !CONTROL.test(value) && charCount(value) <= max;
}

/**
 * A name or real name: a line of `NAME_MAX_CHARS` at most, broken by no line separator, of which
 * a character shows (one of invisible ones only is as good as an empty one).
 */
function isNameLine(value: string): boolean {
  return isLine(value, NAME_MAX_CHARS) && !isBlankText(value) && !LINE_SEPARATOR.test(value);
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Today's date (`YYYY-MM-DD`) in a time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/**
 * The value without the blanks (and, at its start, the selectors) around it. The trailing ones are
 * taken off character by character: a regex anchored at the end retries from every blank of a
 * run inside the value, quadratic in the run's length.
 */
function withoutBlanksAround(value: string): string {
  const chars = [...value.replace(LEADING_BLANKS, '')];
  let end = chars.length;
  while (end > 0 && ONE_BLANK.test(chars[end - 1] ?? '')) end -= 1;
  return chars.slice(0, end).join('');
}

/**
 * The changes with the name stripped of the white space and invisible marks around it (kept as
 * sent, ' aaa' or '\u200baaa' was another name than a taken 'aaa', the unique key ignoring
 * trailing spaces only, and showed as it), and without the name when it is the user's current one, as sent or stripped: a form saved
 * back as it was loaded (a new user's name is their 11-digit mobile, an older one may have kept
 * its spaces) changes no name, so no name rule applies to it.
 */
export function withoutUnchangedName(changes: ProfileChanges, currentName: string): ProfileChanges {
  if (changes.name === undefined) return changes;
  const name = withoutBlanksAround(changes.name);
  const unchanged = changes.name === currentName || name === currentName;
  return { ...changes, name: unchanged ? undefined : name };
}

const IMAGE_KEYS = [
  ['photo', 'photo'],
  ['id_card_front', 'idCardFront'],
  ['id_card_back', 'idCardBack'],
  ['id_card_handheld', 'idCardHandheld'],
] as const satisfies ReadonlyArray<readonly [string, keyof ProfileChanges]>;

/**
 * Checks and normalises profile changes (`today` bounds the birthday). Returns the first
 * problem, or the changes ready to store (id numbers upper-cased).
 */
export function checkProfileChanges(
  changes: ProfileChanges,
  today: string,
): { problem: ProfileProblem } | { changes: ProfileChanges } {
  const { name, intro, gender, birthday, realName, idNumber, email } = changes;
  const refuse = (field: string, message: string) => ({ problem: { field, message } });
  if (name !== undefined && !isNameLine(name)) return refuse('name', ProfileMessages.name);
  if (name !== undefined && hidesCharacters(name))
    return refuse('name', ProfileMessages.invisibleName);
  if (intro !== undefined && (CONTROL.test(intro) || LINE_SEPARATOR.test(intro)))
    return refuse('intro', ProfileMessages.introLine);
  if (intro !== undefined && charCount(intro) > INTRO_MAX_CHARS)
    return refuse('intro', ProfileMessages.intro);
  if (gender !== undefined && !GENDERS.includes(gender))
    return refuse('gender', ProfileMessages.gender);
  if (birthday !== undefined) {
    if (!isCalendarDate(birthday) || birthday < EARLIEST_BIRTHDAY)
      return refuse('birthday', ProfileMessages.birthday);
    // Not keyed by field: the 400 clients get for it is the bare message.
    if (birthday > today) return { problem: { message: ProfileMessages.birthdayInFuture } };
  }
  if (realName !== undefined && !isNameLine(realName))
    return refuse('real_name', ProfileMessages.realName);
  if (realName !== undefined && hidesCharacters(realName))
    return refuse('real_name', ProfileMessages.invisibleRealName);
  if (idNumber !== undefined && !ID_NUMBER.test(idNumber))
    return refuse('id_number', ProfileMessages.idNumber);
  if (email !== undefined && (email.length > 20 || !EMAIL.test(email)))
    return refuse('email', ProfileMessages.email);
  for (const [field, property] of IMAGE_KEYS) {
    const key = changes[property];
    if (key !== undefined && !STORAGE_KEY.test(key)) return refuse(field, ProfileMessages.image);
  }
  return {
    changes: idNumber === undefined ? changes : { ...changes, idNumber: idNumber.toUpperCase() },
  };
}
