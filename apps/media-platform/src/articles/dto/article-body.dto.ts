import { isArticleTitleLength } from '@app/contracts';
import {
  ARTICLE_CONTENT_MAX_BYTES,
  INT32_MAX,
  INT32_MIN,
  IsWholeCharacters,
  IsWholeText,
} from '@app/grpc';
import { Transform } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';

import { INVALID_CHANNEL_ID } from './list-articles-query.dto';

// The news service's messages for the same rules (it trims the title, sanitises the content).
const INVALID_TITLE = 'Invalid title param.';
const INVALID_CONTENT = 'Invalid content param.';
const INVALID_COVER = 'Invalid cover param.';

/** `{type, images}`; the counting and storage rules are the news service's. */
export interface ArticleCoverInput {
  type: number;
  images: string[];
}

/** A slot the publish admin never filled arrives as null: it names no image (''). */
function unfilledSlotsAsEmpty({ value }: { value: unknown }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { images } = value as { images?: unknown };
  if (!Array.isArray(images)) return value;
  return { ...value, images: images.map((image: unknown) => image ?? '') };
}

function isCoverInput(value: unknown): value is ArticleCoverInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { type, images } = value as { type?: unknown; images?: unknown };
  return (
    typeof type === 'number' &&
    Number.isInteger(type) &&
    type >= INT32_MIN &&
    type <= INT32_MAX &&
    Array.isArray(images) &&
    images.every((image) => typeof image === 'string')
  );
}

/** A title news takes: 5 to 30 characters once trimmed, counted in code points. */
function IsTitleLength(options: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTitleLength',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isArticleTitleLength(value),
      },
    },
    options,
  );
}

/**
 * A cover of the shape the news service reads, refused as a whole as the reference's cover type
 * did (`{"cover":"Invalid cover param."}`), never by its nested fields.
 */
function IsCoverInput(options: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isCoverInput', validator: { validate: isCoverInput } }, options);
}

/**
 * The bytes `html` may take once the news service has sanitised it, each character it escapes
 * counted at its worst, 6 bytes (`"` in an attribute to `&quot;`, `&` to `&amp;`, a bare `<` or
 * `>` to `&lt;` or `&gt;`). What sanitising adds to tags (a closing tag, quotes, a new-tab link's
 * `rel`) is not counted: news refuses the content that is too long once sanitised.
 */
function escapedBytesAtMost(html: string): number {
  let escaped = 0;
  for (let index = 0; index < html.length; index++) {
    const code = html.charCodeAt(index);
    // & < > "
    if (code === 0x26 || code === 0x3c || code === 0x3e || code === 0x22) escaped++;
  }
  return Buffer.byteLength(html) + 5 * escaped;
}

/**
 * Content whose sanitised HTML, stored, can be read back in one gRPC message: 1 MiB of bare
 * ampersands is stored as 5 MiB of `&amp;`, which no reply could carry.
 */
function FitsInAReply(options: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'fitsInAReply',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || escapedBytesAtMost(value) <= ARTICLE_CONTENT_MAX_BYTES,
      },
    },
    options,
  );
}

/**
 * Body of POST and PUT /articles. The publish admin sends the whole loaded article back
 * (`id`, `status`, `pubdate`, …): those fields are not declared, so they are stripped.
 */
export class ArticleBodyDto {
  @IsString()
  @IsTitleLength({ message: INVALID_TITLE })
  @IsWholeText({ message: 'title must be whole characters' })
  title: string;

  @IsString()
  @IsNotEmpty({ message: INVALID_CONTENT })
  @IsWholeCharacters({ message: 'content must be whole characters' })
  @FitsInAReply({ message: 'content is too long' })
  content: string;

  @IsDefined()
  @Transform(unfilledSlotsAsEmpty)
  @IsCoverInput({ message: INVALID_COVER })
  cover: ArticleCoverInput;

  /** 0 (推荐) and unknown channels are the news service's to refuse. */
  @IsDefined()
  @IsInt({ message: INVALID_CHANNEL_ID })
  @Min(INT32_MIN, { message: INVALID_CHANNEL_ID })
  @Max(INT32_MAX, { message: INVALID_CHANNEL_ID })
  channel_id: number;
}
