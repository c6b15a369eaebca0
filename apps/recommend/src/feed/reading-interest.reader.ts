import { REDIS_STATE, StateKeys } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { CandidateIndex } from '../candidates/candidate-index';
import { channelInterest } from './ranking.util';

/** A signed-in reader's channel interests: the channels of the articles in their reading history. */
@Injectable()
export class ReadingInterestReader {
  constructor(
    @Inject(REDIS_STATE) private readonly state: Redis,
    private readonly candidates: CandidateIndex,
  ) {}

  async interest(userId: string): Promise<Map<number, number>> {
    const read = await this.state.zrevrange(StateKeys.readingHistory(userId), 0, -1);
    const channels = await this.candidates.channelsOf(read);
    return channelInterest(channels.filter((channel): channel is number => channel !== undefined));
  }
}
