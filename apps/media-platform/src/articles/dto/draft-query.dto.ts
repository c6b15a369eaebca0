import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
};

/** `?draft=true|false` (default false: submit for review). */
export class DraftQueryDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (BOOLEAN_WORDS[value.toLowerCase()] ?? value) : value,
  )
  @IsBoolean()
  draft?: boolean;
}
