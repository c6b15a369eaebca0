import { Module } from '@nestjs/common';

import { AnnouncementsHttpController } from './announcements.http.controller';

@Module({ controllers: [AnnouncementsHttpController] })
export class AnnouncementsModule {}
