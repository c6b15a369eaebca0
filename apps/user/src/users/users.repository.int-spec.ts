import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { USER_SCHEMA } from '../database/user-schema';
import { UserProfileEntity } from './user-profile.entity';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

const ME = '1294287382374383620';
const OTHER = '1294287382374383621';

describe('UsersRepository (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: UsersRepository;

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, USER_SCHEMA),
    ).initialize();
    repository = new UsersRepository(
      dataSource.getRepository(UserEntity),
      dataSource.getRepository(UserProfileEntity),
      dataSource,
    );
    await withTestConnection(database.settings, (query) =>
      query(
        `INSERT INTO user_basic (user_id, mobile, user_name) VALUES (?, '13911111111', 'me'), (?, '13922222222', 'taken')`,
        [ME, OTHER],
      ),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('creates a missing user_profile row and stores gender 0, the birthday and id fields', async () => {
    expect(await repository.findProfileById(ME)).toBeNull();
    await expect(
      repository.updateProfile(ME, {
        gender: 0,
        birthday: '1990-05-17',
        idNumber: '11010519491231002X',
        idCardFront: 'a.png',
      }),
    ).resolves.toBe('updated');
    expect(await repository.findProfileById(ME)).toMatchObject({
      gender: 0,
      birthday: '1990-05-17',
      idNumber: '11010519491231002X',
      idCardFront: 'a.png',
      idCardBack: null,
    });
    await repository.updateProfile(ME, { gender: 1 });
    expect(await repository.findProfileById(ME)).toMatchObject({
      gender: 1,
      birthday: '1990-05-17',
    });
  });

  it('reports a name taken by the unique key (a lost race) and rolls the whole write back', async () => {
    await expect(
      repository.updateProfile(ME, { name: 'taken', intro: 'lost', gender: 0 }),
    ).resolves.toBe('name-taken');
    expect(await repository.findById(ME)).toMatchObject({ name: 'me', intro: null });
    expect(await repository.findProfileById(ME)).toMatchObject({ gender: 1 });
  });

  it('tells whether another user has a name', async () => {
    expect(await repository.isNameTaken('taken', ME)).toBe(true);
    expect(await repository.isNameTaken('me', ME)).toBe(false);
    expect(await repository.isNameTaken('free', ME)).toBe(false);
  });
});
