import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';

/** PUT /user/images/{id}: `{collect}`; 0/1 are read as booleans, as the reference parser did. */
export class CollectImageDto {
  @Transform(({ value }: { value: unknown }) => (value === 0 || value === 1 ? value === 1 : value))
  @IsBoolean({ message: 'collect must be a boolean' })
  collect: boolean;
}
