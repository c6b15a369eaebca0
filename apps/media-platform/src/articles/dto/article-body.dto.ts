import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/** A cover type and a channel id travel to the news service as int32: a larger one would arrive as another. */
const INT32 = { min: -2_147_483_648, max: 2_147_483_647 } as const;
const INVALID_COVER = 'Invalid cover param.';
const INVALID_CHANNEL = 'Invalid channel id param.';

/**
 * `{type, images}`; the counting and storage rules are the news service's ("Invalid cover param.").
 * A slot the publish admin never filled arrives as null: it names no image ('').
 */
export class CoverDto {
  @IsInt()
  @Min(INT32.min, { message: INVALID_COVER })
  @Max(INT32.max, { message: INVALID_COVER })
  type: number;

  @IsArray()
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((image: unknown) => image ?? '') : value,
  )
  @IsString({ each: true })
  images: string[];
}

/**
 * Body of POST and PUT /articles. The publish admin sends the whole loaded article back
 * (`id`, `status`, `pubdate`, …): those fields are not declared, so they are stripped.
 */
export class ArticleBodyDto {
  @IsString()
  @Length(5, 30)
  title: string;

  @IsString()
  @IsNotEmpty()
  content: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CoverDto)
  cover: CoverDto;

  @IsInt()
  @Min(INT32.min, { message: INVALID_CHANNEL })
  @Max(INT32.max, { message: INVALID_CHANNEL })
  channel_id: number;
}
