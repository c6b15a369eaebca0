/**
 * Texts of the name and intro 400s of `PATCH /user/profile` (app) and of the media platform's, the
 * same whether the HTTP edge or the user service refuses the value (the user service never answers
 * `introWhole`, as gRPC carries no lone surrogate to it).
 */
export const NameAndIntroMessages = {
  name: 'Name must be 1 to 7 characters.',
  intro: 'Intro must be at most 60 characters.',
  introLine: 'Intro must be a single line.',
  introWhole: 'Intro must be whole characters.',
} as const;
