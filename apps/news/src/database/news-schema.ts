import type { ServiceSchema } from '@app/database';

import { ChannelEntity } from '../channels/channel.entity';
import { CreateNewsTables1764000000000 } from './migrations/1764000000000-create-news-tables';

export const NEWS_SCHEMA: ServiceSchema = {
  service: 'news',
  entities: [ChannelEntity],
  migrations: [CreateNewsTables1764000000000],
};
