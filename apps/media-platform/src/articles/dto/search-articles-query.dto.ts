import { PageQueryDto } from '@app/grpc';
import { IsString, Matches } from 'class-validator';

const Q_MESSAGE = 'q must be 1-50 characters';

/** GET /search: `q` as the reference (`^.{1,50}$`, one line), `page`, `per_page` 10–50 (default 10). */
export class SearchArticlesQueryDto extends PageQueryDto {
  @IsString({ message: Q_MESSAGE })
  @Matches(/^(?:\t|\P{Cc}){1,50}$/u, { message: Q_MESSAGE })
  q: string;
}
