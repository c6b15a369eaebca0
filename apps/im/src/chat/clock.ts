import { Injectable } from '@nestjs/common';

/** The current time, injectable so tests can pin it. */
@Injectable()
export class Clock {
  nowSeconds(): number {
    return Math.floor(Date.now() / 1000);
  }
}
