import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';

import { UserProfileEntity } from '../users/user-profile.entity';
import { UserEntity, UserStatus } from '../users/user.entity';

export type Account = Pick<UserEntity, 'id' | 'name' | 'photo' | 'status' | 'isMedia'>;

const ACCOUNT_COLUMNS = { id: true, name: true, photo: true, status: true, isMedia: true } as const;

/** The user rows sign-in needs: look-up by mobile and registration on first login. */
@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findByMobile(mobile: string): Promise<Account | null> {
    return this.dataSource
      .getRepository(UserEntity)
      .findOne({ select: ACCOUNT_COLUMNS, where: { mobile } });
  }

  findById(id: string): Promise<Account | null> {
    return this.dataSource
      .getRepository(UserEntity)
      .findOne({ select: ACCOUNT_COLUMNS, where: { id } });
  }

  /**
   * Registers a mobile (user name = mobile, empty profile). Two first logins racing on one
   * mobile both end with the same account: the loser of the unique key reads the winner's row.
   */
  async register(id: string, mobile: string): Promise<Account> {
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(UserEntity, {
          id,
          mobile,
          name: mobile,
          status: UserStatus.Enabled,
          isMedia: false,
          isVerified: false,
          lastLogin: new Date(),
        });
        await manager.insert(UserProfileEntity, { userId: id, gender: 0 });
      });
    } catch (error) {
      if (
        !(error instanceof QueryFailedError) ||
        !String(error.message).includes('Duplicate entry')
      )
        throw error;
    }
    const account = await this.findByMobile(mobile);
    if (!account) throw new Error(`registration of ${mobile} left no row`);
    return account;
  }

  async touchLastLogin(id: string): Promise<void> {
    await this.dataSource.getRepository(UserEntity).update({ id }, { lastLogin: new Date() });
  }
}
