import { createTable } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUserTables1764000000000 implements MigrationInterface {
  name = 'CreateUserTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      `
      CREATE TABLE user_basic (
        user_id BIGINT UNSIGNED NOT NULL,
        account VARCHAR(20) NULL,
        email VARCHAR(20) NULL,
        status TINYINT(1) NOT NULL DEFAULT 1 COMMENT '0 disabled, 1 enabled',
        mobile CHAR(11) NOT NULL,
        password VARCHAR(93) NULL,
        user_name VARCHAR(32) NOT NULL,
        profile_photo VARCHAR(128) NULL,
        last_login DATETIME NULL,
        is_media TINYINT(1) NOT NULL DEFAULT 0,
        is_verified TINYINT(1) NOT NULL DEFAULT 0,
        introduction VARCHAR(60) NULL,
        certificate VARCHAR(30) NULL,
        create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (user_id),
        UNIQUE KEY uk_user_basic_mobile (mobile),
        UNIQUE KEY uk_user_basic_user_name (user_name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE user_profile (
        user_id BIGINT UNSIGNED NOT NULL,
        gender TINYINT(1) NOT NULL DEFAULT 0 COMMENT '0 male, 1 female',
        birthday DATE NULL,
        real_name VARCHAR(32) NULL,
        id_number VARCHAR(20) NULL,
        id_card_front VARCHAR(128) NULL,
        id_card_back VARCHAR(128) NULL,
        id_card_handheld VARCHAR(128) NULL,
        register_media_time DATETIME NULL,
        area VARCHAR(20) NULL,
        company VARCHAR(20) NULL,
        career VARCHAR(20) NULL,
        create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (user_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE user_relation (
        relation_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        target_user_id BIGINT UNSIGNED NOT NULL,
        relation TINYINT(1) NOT NULL DEFAULT 0 COMMENT '0 cancelled, 1 follow, 2 blacklist',
        create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (relation_id),
        UNIQUE KEY uk_user_relation_pair (user_id, target_user_id),
        KEY idx_user_relation_target (target_user_id, relation)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE user_material (
        material_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        type TINYINT(1) NOT NULL DEFAULT 0 COMMENT '0 image, 1 video, 2 audio',
        hash VARCHAR(128) NOT NULL,
        url VARCHAR(128) NOT NULL,
        status TINYINT(1) NOT NULL DEFAULT 0 COMMENT '0 pending, 1 approved, 2 failed, 3 deleted',
        reviewer_id INT UNSIGNED NULL,
        review_time DATETIME NULL,
        is_collected TINYINT(1) NOT NULL DEFAULT 0,
        create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (material_id),
        UNIQUE KEY uk_user_material_hash (user_id, hash)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE user_legalize_log (
        legalize_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        type TINYINT(1) NOT NULL COMMENT '1 real name, 2 qualification',
        status TINYINT(1) NOT NULL DEFAULT 1 COMMENT '1 processing, 2 approved, 3 rejected',
        reject_reason VARCHAR(200) NULL,
        qualification_id INT UNSIGNED NULL,
        create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (legalize_id),
        KEY idx_user_legalize_user (user_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE user_qualification (
        qualification_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        name VARCHAR(20) NOT NULL,
        id_number VARCHAR(20) NOT NULL,
        industry VARCHAR(200) NOT NULL,
        company VARCHAR(200) NOT NULL,
        position VARCHAR(200) NOT NULL,
        add_info VARCHAR(200) NULL,
        id_card_front VARCHAR(128) NOT NULL,
        id_card_back VARCHAR(128) NOT NULL,
        id_card_handheld VARCHAR(128) NOT NULL,
        qualification_img VARCHAR(128) NOT NULL,
        create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (qualification_id),
        KEY idx_user_qualification_user (user_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'user_qualification',
      'user_legalize_log',
      'user_material',
      'user_relation',
      'user_profile',
      'user_basic',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
