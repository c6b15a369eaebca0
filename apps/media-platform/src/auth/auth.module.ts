import { Module } from '@nestjs/common';

import { MpAuthHttpController } from './auth.http.controller';

@Module({ controllers: [MpAuthHttpController] })
export class MpAuthModule {}
