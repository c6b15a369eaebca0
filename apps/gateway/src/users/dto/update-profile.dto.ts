import {
  IsIntro,
  IsTextLine,
  IsWholeCharacters,
  NAME_MAX_SENT_LENGTH,
  NameAndIntroMessages,
  textLineMessage,
} from '@app/grpc';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { IsPastCalendarDate } from './profile-field.validators';

/**
 * Texts of the 400s; the user service uses the same ones (its name 400 is keyed by `name` too) but
 * `introWhole` and `realNameWhole`, as gRPC carries no lone surrogate to it.
 */
export const ProfileFieldMessages = {
  ...NameAndIntroMessages,
  gender: 'Invalid gender.',
  birthday: 'Invalid date param.',
  realName: 'Real name must be 1 to 7 characters.',
  realNameWhole: 'Real name must be whole characters.',
  idNumber: 'Invalid id number.',
  image: 'Invalid image.',
} as const;

/**
 * GET /user/profile answers '' for a birthday never set, and the client's profile page sends the
 * whole loaded profile back on save: that is no change.
 */
const unsetAsAbsent = ({ value }: { value: unknown }): unknown =>
  value === '' || value === null ? undefined : value;

/** A null image is none sent, as a null text field is; '' stays an invalid image. */
const nullAsAbsent = ({ value }: { value: unknown }): unknown =>
  value === null ? undefined : value;

// The reference parser's 18-digit (century 18/19/2x) and legacy 15-digit identity card numbers
// (its 15-digit branch matched 14 digits; fixed).
const ID_NUMBER =
  /^(?:[1-9]\d{5}(?:18|19|[23]\d)\d{2}(?:0[1-9]|1[0-2])(?:[0-2][1-9]|10|20|30|31)\d{3}[0-9Xx]|[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:[0-2][1-9]|10|20|30|31)\d{3})$/;

/**
 * PATCH /user/profile. Every field is optional and only sent fields change; images are base64
 * (bare or `data:image/...;base64,`). Anything else in the body (`is_media`, `status`, `certi`,
 * counters, `id`, `mobile`) is stripped by the validation pipe and never reaches the service.
 */
export class UpdateProfileDto {
  // The page sends back the name GET answered, which is the 11-digit mobile until the user picks
  // one: the user service takes the current name as no change and checks 1-7 on a new one only,
  // control characters included (a name stored with one before is sent back as it was loaded).
  @IsOptional()
  @IsString({ message: ProfileFieldMessages.name })
  @IsWholeCharacters({ message: ProfileFieldMessages.name })
  @MaxLength(NAME_MAX_SENT_LENGTH, { message: ProfileFieldMessages.name })
  name?: string;

  @IsOptional()
  @Transform(nullAsAbsent)
  @IsString({ message: ProfileFieldMessages.image })
  photo?: string;

  // The reference read `int(value)`, so "0"/"1" strings are accepted too.
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === '0' || value === '1' ? Number(value) : value,
  )
  @IsIn([0, 1], { message: ProfileFieldMessages.gender })
  gender?: number;

  @IsOptional()
  @Transform(unsetAsAbsent)
  @IsPastCalendarDate({ message: ProfileFieldMessages.birthday })
  birthday?: string;

  @IsOptional()
  @IsIntro()
  intro?: string;

  @IsOptional()
  @IsTextLine(1, 7, {
    message: textLineMessage(
      ProfileFieldMessages.realName,
      ProfileFieldMessages.realName,
      ProfileFieldMessages.realNameWhole,
    ),
  })
  real_name?: string;

  @IsOptional()
  @IsString({ message: ProfileFieldMessages.idNumber })
  @Matches(ID_NUMBER, { message: ProfileFieldMessages.idNumber })
  id_number?: string;

  @IsOptional()
  @Transform(nullAsAbsent)
  @IsString({ message: ProfileFieldMessages.image })
  id_card_front?: string;

  @IsOptional()
  @Transform(nullAsAbsent)
  @IsString({ message: ProfileFieldMessages.image })
  id_card_back?: string;

  @IsOptional()
  @Transform(nullAsAbsent)
  @IsString({ message: ProfileFieldMessages.image })
  id_card_handheld?: string;
}
