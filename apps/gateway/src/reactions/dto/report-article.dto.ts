import { IsWholeText } from '@app/grpc';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

import { ArticleTargetDto } from './article-target.dto';

const INVALID_REPORT_TYPE = 'Invalid report type.';
const INVALID_REMARK = 'Invalid remark.';
const REPORT_TYPE_OTHER = 0;

/** POST /article/reports: `type` 0..8; `remark` is kept only for type 0 ("other"). */
export class ReportArticleDto extends ArticleTargetDto {
  @IsInt({ message: INVALID_REPORT_TYPE })
  @Min(0, { message: INVALID_REPORT_TYPE })
  @Max(8, { message: INVALID_REPORT_TYPE })
  type: number;

  @IsOptional()
  @ValidateIf((report: ReportArticleDto) => report.type === REPORT_TYPE_OTHER)
  @IsString({ message: INVALID_REMARK })
  @IsWholeText({ message: INVALID_REMARK })
  @MaxLength(200, { message: INVALID_REMARK })
  remark?: string | null;
}
