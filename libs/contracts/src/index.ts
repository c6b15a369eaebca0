export * as userV1 from './generated/toutiao/user/v1/user_service';
export * as newsV1 from './generated/toutiao/news/v1/news_service';
export * as userReco from './generated/user_reco';
export * as chatbot from './generated/chatbot';
