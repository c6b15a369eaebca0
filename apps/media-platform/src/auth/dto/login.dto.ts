import { Matches } from 'class-validator';

export class LoginDto {
  @Matches(/^1[3-9]\d{9}$/, { message: 'Invalid mobile.' })
  mobile: string;

  @Matches(/^\d{6}$/, { message: 'Invalid code.' })
  code: string;
}
