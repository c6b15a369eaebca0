import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Not, QueryFailedError, type Repository } from 'typeorm';

import type { ProfileChanges } from './profile-rules';
import { Gender, UserProfileEntity } from './user-profile.entity';
import { UserEntity } from './user.entity';

/** Outcome of a profile write; a lost race for a user name is an answer, not an exception. */
export type ProfileUpdateResult = 'updated' | 'name-taken';

const USER_NAME_KEY = 'uk_user_basic_user_name';

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(UserProfileEntity) private readonly profiles: Repository<UserProfileEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return this.users.findBy({ id: In([...ids]) });
  }

  findProfileById(userId: string): Promise<UserProfileEntity | null> {
    return this.profiles.findOneBy({ userId });
  }

  /** Whether another user already has `name` (compared as the unique key compares it). */
  isNameTaken(name: string, exceptUserId: string): Promise<boolean> {
    return this.users.existsBy({ name, id: Not(exceptUserId) });
  }

  /**
   * Writes the changed `user_basic` and `user_profile` columns in one transaction; a missing
   * `user_profile` row (users from before registration created one) is created on the way.
   */
  async updateProfile(userId: string, changes: ProfileChanges): Promise<ProfileUpdateResult> {
    const {
      name,
      photo,
      intro,
      email,
      gender,
      birthday,
      realName,
      idNumber,
      idCardFront,
      idCardBack,
      idCardHandheld,
    } = changes;
    const basic = definedOnly({ name, photo, intro, email });
    const extra = definedOnly({
      gender,
      birthday,
      realName,
      idNumber,
      idCardFront,
      idCardBack,
      idCardHandheld,
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        if (Object.keys(basic).length > 0) await manager.update(UserEntity, { id: userId }, basic);
        if (Object.keys(extra).length > 0) {
          // ON DUPLICATE KEY locks the existing row exclusively at once. INSERT IGNORE took a
          // shared lock, so two edits sent together both held one and deadlocked on the update.
          await manager
            .createQueryBuilder()
            .insert()
            .into(UserProfileEntity)
            .values({ userId, gender: Gender.Male })
            .orUpdate(['user_id'], ['user_id'])
            .execute();
          await manager.update(UserProfileEntity, { userId }, extra);
        }
      });
      return 'updated';
    } catch (error) {
      if (isDuplicateKey(error, USER_NAME_KEY)) return 'name-taken';
      throw error;
    }
  }
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

function isDuplicateKey(error: unknown, key: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; sqlMessage?: string } | undefined;
  return (
    driverError?.code === 'ER_DUP_ENTRY' && (driverError.sqlMessage ?? error.message).includes(key)
  );
}
