import { applyDecorators } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';

const MESSAGE = 'q must be 1-50 characters';

/**
 * `q` as the reference checks it (`^.{1,50}$`): 1-50 characters on one line. Nor any other control
 * character but tab: a searched keyword joins the searcher's history as sent.
 */
export const IsSearchKeyword = (): PropertyDecorator =>
  applyDecorators(
    IsString({ message: MESSAGE }),
    Matches(/^(?:\t|\P{Cc}){1,50}$/u, { message: MESSAGE }),
  );
