import { INT32_MAX, INT32_MIN, IsWholeText } from '@app/grpc';
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

const INVALID_COVER = 'Invalid cover param.';
const INVALID_CHANNEL = 'Invalid channel id param.';

/**
 * `{type, images}`; the counting and storage rules are the news service's ("Invalid cover param.").
 * A slot the publish admin never filled arrives as null: it names no image ('').
 */
export class CoverDto {
  @IsInt()
  @Min(INT32_MIN, { message: INVALID_COVER })
  @Max(INT32_MAX, { message: INVALID_COVER })
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
  @IsWholeText({ message: 'title must be whole characters' })
  title: string;

  @IsString()
  @IsNotEmpty()
  @IsWholeText({ message: 'content must be whole characters' })
  content: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CoverDto)
  cover: CoverDto;

  @IsInt()
  @Min(INT32_MIN, { message: INVALID_CHANNEL })
  @Max(INT32_MAX, { message: INVALID_CHANNEL })
  channel_id: number;
}
