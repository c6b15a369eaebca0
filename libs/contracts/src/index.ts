export * as userV1 from './generated/toutiao/user/v1/user_service';
export * as authV1 from './generated/toutiao/user/v1/auth_service';
export * as relationV1 from './generated/toutiao/user/v1/relation_service';
export * as materialV1 from './generated/toutiao/user/v1/material_service';
export * as followerStatisticsV1 from './generated/toutiao/user/v1/follower_statistics_service';
export * as articleV1 from './generated/toutiao/news/v1/article_service';
export * as channelV1 from './generated/toutiao/news/v1/channel_service';
export * as reactionV1 from './generated/toutiao/news/v1/reaction_service';
export * as searchV1 from './generated/toutiao/news/v1/search_service';
export * as announcementV1 from './generated/toutiao/news/v1/announcement_service';
export * as commentV1 from './generated/toutiao/news/v1/comment_service';
export * as commentModerationV1 from './generated/toutiao/news/v1/comment_moderation_service';
export * as authoringV1 from './generated/toutiao/news/v1/authoring_service';
export * as candidateV1 from './generated/toutiao/recommend/v1/candidate_service';
export * as counterRepairV1 from './generated/toutiao/counters/v1/counter_repair_service';
export * as userReco from './generated/user_reco';
export * as chatbot from './generated/chatbot';
// Hand-written: the article title rule news and the media platform share.
export * from './article-title';
// Hand-written: the tracking strings and A/B buckets that the original user_reco contract promises.
export * from './user-reco-tracking';
