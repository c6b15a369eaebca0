import { createTable } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const TIMESTAMPS = `
  create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`;

/** The back office's own tables: administrators, groups, permissions and the operation log. */
export class CreateMisTables1764000000000 implements MigrationInterface {
  name = 'CreateMisTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      `
      CREATE TABLE mis_administrator_group (
        group_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        name VARCHAR(64) NOT NULL,
        status TINYINT(1) NOT NULL DEFAULT 1,
        remark VARCHAR(200) NULL,${TIMESTAMPS},
        PRIMARY KEY (group_id),
        UNIQUE KEY uk_mis_group_name (name)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE mis_administrator (
        administrator_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        account VARCHAR(32) NOT NULL,
        password VARCHAR(128) NOT NULL COMMENT 'argon2id hash',
        name VARCHAR(32) NOT NULL,
        email VARCHAR(64) NULL,
        mobile CHAR(11) NULL,
        group_id INT UNSIGNED NOT NULL,
        access_count INT NOT NULL DEFAULT 0,
        status TINYINT(1) NOT NULL DEFAULT 1,
        last_login DATETIME NULL,${TIMESTAMPS},
        PRIMARY KEY (administrator_id),
        UNIQUE KEY uk_mis_administrator_account (account),
        KEY idx_mis_administrator_group (group_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE mis_permission (
        permission_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        name VARCHAR(64) NOT NULL,
        type TINYINT(1) NOT NULL DEFAULT 0 COMMENT '0 menu, 1 api',
        parent_id INT UNSIGNED NOT NULL DEFAULT 0,
        code VARCHAR(64) NOT NULL,
        sequence INT NOT NULL DEFAULT 0,${TIMESTAMPS},
        PRIMARY KEY (permission_id),
        UNIQUE KEY uk_mis_permission_name (name),
        UNIQUE KEY uk_mis_permission_code (code)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE mis_group_permission (
        group_permission_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        group_id INT UNSIGNED NOT NULL,
        permission_id INT UNSIGNED NOT NULL,${TIMESTAMPS},
        PRIMARY KEY (group_permission_id),
        UNIQUE KEY uk_mis_group_permission (group_id, permission_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE mis_operation_log (
        operation_log_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        administrator_id INT UNSIGNED NOT NULL,
        ip VARCHAR(45) NOT NULL,
        operation VARCHAR(64) NOT NULL,
        description VARCHAR(500) NOT NULL,${TIMESTAMPS},
        PRIMARY KEY (operation_log_id),
        KEY idx_mis_operation_log_admin (administrator_id, create_time)
      ) ${TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'mis_operation_log',
      'mis_group_permission',
      'mis_permission',
      'mis_administrator',
      'mis_administrator_group',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
