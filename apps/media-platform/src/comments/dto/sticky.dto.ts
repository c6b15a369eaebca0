import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';

import { bitAsBoolean } from './snowflake-id.transform';

/** Body of PUT /comments/{id}/sticky. */
export class StickyDto {
  @Transform(bitAsBoolean)
  @IsBoolean({ message: 'sticky must be a boolean' })
  sticky: boolean;
}
