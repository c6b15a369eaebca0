import { IsIntro, IsWholeCharacters, NAME_MAX_SENT_LENGTH, NameAndIntroMessages } from '@app/grpc';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/**
 * Texts of the 400s; the user service checks the same rules with the same texts (its name 400 is
 * keyed by `name` too).
 */
export const MpProfileMessages = {
  ...NameAndIntroMessages,
  email: 'Invalid email.',
} as const;

// The user service's rule: at most 20 characters (the column), local part may be Chinese.
const EMAIL = /^(?=.{1,20}$)[A-Za-z0-9_.\u4e00-\u9fa5-]+@[A-Za-z0-9_.-]+\.[A-Za-z]{2,8}$/;

/** `null` stands for a field left out (the reference answered a missing intro or email as null). */
const nullAsAbsent = ({ value }: { value: unknown }): unknown =>
  value === null ? undefined : value;

/**
 * The settings form sends back the `email` GET answered, which is '' for an author without one:
 * that is no change (the reference also ignored an empty email).
 */
const emptyAsAbsent = ({ value }: { value: unknown }): unknown =>
  value === null || value === '' ? undefined : value;

/**
 * PATCH /mp/v1_0/user/profile. Only sent fields change; anything else in the body (`photo`,
 * `mobile`, `is_media`, `id`, …) is stripped by the validation pipe and never reaches the service.
 */
export class UpdateMpProfileDto {
  // The settings form sends back the name GET answered, which is the 11-digit mobile until the
  // author picks one: the user service takes the current name as no change and checks 1-7 on a
  // new one only, control characters included (a name stored with one before is sent back as it
  // was loaded).
  @IsOptional()
  @Transform(nullAsAbsent)
  @IsString({ message: MpProfileMessages.name })
  @IsWholeCharacters({ message: MpProfileMessages.name })
  @MaxLength(NAME_MAX_SENT_LENGTH, { message: MpProfileMessages.name })
  name?: string;

  @IsOptional()
  @Transform(nullAsAbsent)
  // The reference's `^.{0,60}$` refused a line break inside too, which the settings form's
  // textarea lets an author type.
  @IsIntro()
  intro?: string;

  @IsOptional()
  @Transform(emptyAsAbsent)
  @Matches(EMAIL, { message: MpProfileMessages.email })
  email?: string;
}
