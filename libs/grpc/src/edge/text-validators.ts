import { type ValidationArguments, ValidateBy, type ValidationOptions } from 'class-validator';

import { NameAndIntroMessages } from './profile-messages';

/** Whole characters only: no lone surrogate (half an emoji), which gRPC would pass on as U+FFFD. */
export const WHOLE_CHARACTERS = /^\P{Cs}*$/u;

/**
 * Longest profile name (UTF-16 units) the app and the media platform send on to the user service: a
 * stored name (at most 32 characters, each up to 2 units) with white space around it, well past any
 * new name of 1-7. A longer one is refused at the edge: one of megabytes would not fit in a gRPC
 * message, and the user service strips the blanks around a name in time growing with the square of
 * their run.
 */
export const NAME_MAX_SENT_LENGTH = 256;

// Line breaks and other control characters never belong in a one-line text field, nor the line
// and paragraph separators, which clients show as a line break, nor a lone surrogate, which is no
// character.
const CONTROL = /[\p{Cc}\u2028\u2029\p{Cs}]/u;

// Control characters besides tab and line breaks (NUL, ESC, ...) are no text: MariaDB stored them
// as sent and clients showed or cut the text at them.
export const STRAY_CONTROL = /[^\P{Cc}\t\n\r]/u;

/**
 * Whole characters (see `WHOLE_CHARACTERS`) and no control character but tab and line breaks; a
 * value that is no string is `@IsString()`'s to refuse.
 */
export function IsWholeText(options: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWholeText',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || (WHOLE_CHARACTERS.test(value) && !STRAY_CONTROL.test(value)),
      },
    },
    options,
  );
}

/**
 * Whole characters only (see `WHOLE_CHARACTERS`), for article HTML, whose stray control characters
 * the news service drops as it sanitises it (an editor's paste that holds one is saved, not
 * refused), and for profile names, whose control characters the user service refuses in a new
 * name only (a stored one sent back as loaded is no change). A value that is no string is
 * `@IsString()`'s to refuse.
 */
export function IsWholeCharacters(options: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWholeCharacters',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || WHOLE_CHARACTERS.test(value),
      },
    },
    options,
  );
}

/** A one-line string of `min`..`max` characters (code points, as people count them). */
export function IsTextLine(
  min: number,
  max: number,
  options: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTextLine',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          !CONTROL.test(value) &&
          value.trim().length >= min &&
          [...value].length <= max,
      },
    },
    options,
  );
}

const LINE_BREAKING = /[\p{Cc}\u2028\u2029]/u;

/**
 * `IsTextLine`'s message for a field: `lineMessage` when the value holds a line break (a textarea's
 * Enter, a line or paragraph separator) or another control character, `wholeMessage` when it holds a lone surrogate (half an
 * emoji), neither of which any length would make right, `lengthMessage` otherwise.
 */
export function textLineMessage(
  lengthMessage: string,
  lineMessage: string,
  wholeMessage: string,
): (args: ValidationArguments) => string {
  return ({ value }) => {
    if (typeof value !== 'string') return lengthMessage;
    if (LINE_BREAKING.test(value)) return lineMessage;
    return WHOLE_CHARACTERS.test(value) ? lengthMessage : wholeMessage;
  };
}

/**
 * A profile intro (简介) as the app and the media platform take it: one line of at most 60
 * characters, told with `NameAndIntroMessages`' intro texts, the user service's own.
 */
export function IsIntro(): PropertyDecorator {
  return IsTextLine(0, 60, {
    message: textLineMessage(
      NameAndIntroMessages.intro,
      NameAndIntroMessages.introLine,
      NameAndIntroMessages.introWhole,
    ),
  });
}
