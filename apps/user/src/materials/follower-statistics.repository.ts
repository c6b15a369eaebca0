import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { RelationType } from '../relations/relation.entity';

export interface FollowerStatistics {
  male: number;
  female: number;
  le18: number;
  le23: number;
  le30: number;
  le40: number;
  le50: number;
  gt50: number;
}

type StatisticsRow = Record<keyof FollowerStatistics, string | number | null>;

const COLUMNS: ReadonlyArray<keyof FollowerStatistics> = [
  'male',
  'female',
  'le18',
  'le23',
  'le30',
  'le40',
  'le50',
  'gt50',
];

@Injectable()
export class FollowerStatisticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Counts the followers of `userId` by profile gender and by age on `today` (`YYYY-MM-DD`).
   * One aggregate over the (target_user_id, relation) index joined to the profiles; followers
   * without a birthday have a NULL age and fall in no age bucket.
   */
  async countFollowers(userId: string, today: string): Promise<FollowerStatistics> {
    const rows = await this.dataSource.query<StatisticsRow[]>(
      `SELECT
         SUM(f.gender = 0) AS male,
         SUM(f.gender = 1) AS female,
         SUM(f.age <= 18) AS le18,
         SUM(f.age BETWEEN 19 AND 23) AS le23,
         SUM(f.age BETWEEN 24 AND 30) AS le30,
         SUM(f.age BETWEEN 31 AND 40) AS le40,
         SUM(f.age BETWEEN 41 AND 50) AS le50,
         SUM(f.age > 50) AS gt50
       FROM (
         SELECT p.gender, TIMESTAMPDIFF(YEAR, p.birthday, ?) AS age
         FROM user_relation r
         JOIN user_profile p ON p.user_id = r.user_id
         WHERE r.target_user_id = ? AND r.relation = ?
       ) f`,
      [today, userId, RelationType.Follow],
    );
    const row = rows[0];
    return Object.fromEntries(
      COLUMNS.map((column) => [column, Number(row?.[column] ?? 0)]),
    ) as unknown as FollowerStatistics;
  }
}
