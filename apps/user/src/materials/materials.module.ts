import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { FollowerStatisticsGrpcController } from './follower-statistics.grpc.controller';
import { FollowerStatisticsRepository } from './follower-statistics.repository';
import { FollowerStatisticsService } from './follower-statistics.service';
import { MaterialEntity } from './material.entity';
import { MaterialsGrpcController } from './materials.grpc.controller';
import { MaterialsRepository } from './materials.repository';
import { MaterialsService } from './materials.service';

/** The media platform's author data in the user service: image library and follower statistics. */
@Module({
  imports: [TypeOrmModule.forFeature([MaterialEntity])],
  controllers: [MaterialsGrpcController, FollowerStatisticsGrpcController],
  providers: [
    MaterialsRepository,
    MaterialsService,
    FollowerStatisticsRepository,
    FollowerStatisticsService,
  ],
})
export class MaterialsModule {}
