import { answersWithin } from '@app/config';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Readiness of the service's MySQL pool: a `SELECT 1` within the timeout. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  async isReady(timeoutMs = 1000): Promise<boolean> {
    if (!this.dataSource.isInitialized) return false;
    return answersWithin(
      this.dataSource.query('SELECT 1').then(() => true),
      timeoutMs,
    );
  }
}
