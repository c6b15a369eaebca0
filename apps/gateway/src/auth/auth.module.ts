import { Module } from '@nestjs/common';

import { AuthHttpController } from './auth.http.controller';

@Module({ controllers: [AuthHttpController] })
export class AuthHttpModule {}
