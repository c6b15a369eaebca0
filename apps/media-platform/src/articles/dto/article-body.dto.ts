import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';

/**
 * `{type, images}`; the counting and storage rules are the news service's ("Invalid cover param.").
 * A slot the publish admin never filled arrives as null: it names no image ('').
 */
export class CoverDto {
  @IsInt()
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
  @ValidateNested()
  @Type(() => CoverDto)
  cover: CoverDto;

  @IsInt()
  channel_id: number;
}
