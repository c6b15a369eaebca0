import { Module } from '@nestjs/common';

import { AuthorBlacklist } from './author-blacklist';
import { BackgroundNotifications } from './background-notifications';

/**
 * One BackgroundNotifications for the app, whose limit likes and comments share, and one
 * AuthorBlacklist, whose cached blacklists both check.
 */
@Module({
  providers: [
    { provide: BackgroundNotifications, useFactory: () => new BackgroundNotifications() },
    AuthorBlacklist,
  ],
  exports: [BackgroundNotifications, AuthorBlacklist],
})
export class NotificationsModule {}
