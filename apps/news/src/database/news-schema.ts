import type { ServiceSchema } from '@app/database';

import { AnnouncementEntity } from '../announcements/announcement.entity';
import { ArticleContentEntity } from '../articles/article-content.entity';
import { ArticleStatisticEntity } from '../articles/article-statistic.entity';
import { ArticleEntity } from '../articles/article.entity';
import { ChannelEntity } from '../channels/channel.entity';
import { UserChannelEntity } from '../channels/user-channel.entity';
import { CommentLikingEntity } from '../comments/comment-liking.entity';
import { CommentEntity } from '../comments/comment.entity';
import { JobOutboxEntity } from '../outbox/job-outbox.entity';
import { AttitudeEntity } from '../reactions/attitude.entity';
import { CollectionEntity } from '../reactions/collection.entity';
import { ReportEntity } from '../reactions/report.entity';
import { ArticleSearchEntity } from '../search/article-search.entity';
import { SearchKeywordEntity } from '../search/search-keyword.entity';
import { CreateNewsTables1764000000000 } from './migrations/1764000000000-create-news-tables';
import { CreateNewsSearchTables1764105000000 } from './migrations/1764105000000-create-news-search-tables';
import { AddNewsCollectionUserTimeIndex1764200000000 } from './migrations/1764200000000-add-news-collection-user-time-index';
import { CreateNewsJobOutbox1764300000000 } from './migrations/1764300000000-create-news-job-outbox';
import { AddNewsCommentByFan1764400000000 } from './migrations/1764400000000-add-news-comment-by-fan';
import { ReindexNewsSearchShortWords1764410000000 } from './migrations/1764410000000-reindex-news-search-short-words';
import { AllowUnknownNewsCommentByFan1764420000000 } from './migrations/1764420000000-allow-unknown-news-comment-by-fan';
import { ReindexNewsSearchLetterDigitRuns1764430000000 } from './migrations/1764430000000-reindex-news-search-letter-digit-runs';
import { FlattenNewsCommentThreads1764440000000 } from './migrations/1764440000000-flatten-news-comment-threads';
import { SanitizeNewsArticleContent1764450000000 } from './migrations/1764450000000-sanitize-news-article-content';
import { StripNewsControlCharacters1764460000000 } from './migrations/1764460000000-strip-news-control-characters';
import { AddNewsArticleStatusTitleIndex1764470000000 } from './migrations/1764470000000-add-news-article-status-title-index';
import { CreateNewsUserChannelLock1764480000000 } from './migrations/1764480000000-create-news-user-channel-lock';
import { ReindexNewsSearchBeyondBmp1764490000000 } from './migrations/1764490000000-reindex-news-search-beyond-bmp';
import { AddNewsArticleChangeVersion1764500000000 } from './migrations/1764500000000-add-news-article-change-version';

export const NEWS_SCHEMA: ServiceSchema = {
  service: 'news',
  entities: [
    ChannelEntity,
    UserChannelEntity,
    ArticleEntity,
    ArticleContentEntity,
    ArticleStatisticEntity,
    CollectionEntity,
    AttitudeEntity,
    ReportEntity,
    ArticleSearchEntity,
    SearchKeywordEntity,
    AnnouncementEntity,
    CommentEntity,
    CommentLikingEntity,
    JobOutboxEntity,
  ],
  migrations: [
    CreateNewsTables1764000000000,
    CreateNewsSearchTables1764105000000,
    AddNewsCollectionUserTimeIndex1764200000000,
    CreateNewsJobOutbox1764300000000,
    AddNewsCommentByFan1764400000000,
    ReindexNewsSearchShortWords1764410000000,
    AllowUnknownNewsCommentByFan1764420000000,
    ReindexNewsSearchLetterDigitRuns1764430000000,
    FlattenNewsCommentThreads1764440000000,
    SanitizeNewsArticleContent1764450000000,
    StripNewsControlCharacters1764460000000,
    AddNewsArticleStatusTitleIndex1764470000000,
    CreateNewsUserChannelLock1764480000000,
    ReindexNewsSearchBeyondBmp1764490000000,
    AddNewsArticleChangeVersion1764500000000,
  ],
};
