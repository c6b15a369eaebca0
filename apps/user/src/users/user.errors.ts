import { AppError, NameAndIntroMessages } from '@app/grpc';

/** Messages of invalid profile fields (the edges' own validation uses the same texts). */
export const ProfileMessages = {
  ...NameAndIntroMessages,
  invisibleName: 'Name must not contain invisible characters.',
  gender: 'Invalid gender.',
  birthday: 'Invalid date param.',
  birthdayInFuture: 'Birthday cannot be in the future.',
  realName: 'Real name must be 1 to 7 characters.',
  invisibleRealName: 'Real name must not contain invisible characters.',
  idNumber: 'Invalid id number.',
  email: 'Invalid email.',
  image: 'Invalid image.',
} as const;

/**
 * A refused change: its message and, for the edges to key it by, the field of
 * `UpdateProfileRequest` it refuses (the HTTP bodies name their fields alike).
 */
export interface ProfileProblem {
  message: string;
  field?: string;
}

/** The user service's client-facing errors, with the reference's messages. */
export const UserErrors = {
  invalidTargetUser: () => AppError.invalid('Invalid target user.'),
  userNotFound: () => AppError.notFound('User does not exist.'),
  nameExists: () => AppError.conflict('User name has existed.'),
  invalidField: ({ message, field }: ProfileProblem) => AppError.invalid(message, field),
} as const;
