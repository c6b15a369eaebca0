import { applyDecorators } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';

const MESSAGE = 'q must be 1-50 characters';

/** `q` as the reference checks it (`^.{1,50}$`): 1-50 characters on one line. */
export const IsSearchKeyword = (): PropertyDecorator =>
  applyDecorators(
    IsString({ message: MESSAGE }),
    Matches(/^[^\r\n]{1,50}$/u, { message: MESSAGE }),
  );
