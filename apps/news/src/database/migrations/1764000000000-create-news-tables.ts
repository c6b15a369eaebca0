import { createTable } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const TIMESTAMPS = `
  create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`;

export class CreateNewsTables1764000000000 implements MigrationInterface {
  name = 'CreateNewsTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_channel (
        channel_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        channel_name VARCHAR(32) NOT NULL,
        sequence INT NOT NULL DEFAULT 0,
        is_visible TINYINT(1) NOT NULL DEFAULT 0,
        is_default TINYINT(1) NOT NULL DEFAULT 0,${TIMESTAMPS},
        PRIMARY KEY (channel_id),
        UNIQUE KEY uk_news_channel_name (channel_name)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_user_channel (
        user_channel_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        channel_id INT UNSIGNED NOT NULL,
        is_deleted TINYINT(1) NOT NULL DEFAULT 0,
        sequence INT NOT NULL DEFAULT 0,${TIMESTAMPS},
        PRIMARY KEY (user_channel_id),
        UNIQUE KEY uk_news_user_channel (user_id, channel_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_article_basic (
        article_id BIGINT UNSIGNED NOT NULL,
        user_id BIGINT UNSIGNED NOT NULL,
        channel_id INT UNSIGNED NOT NULL,
        title VARCHAR(128) NOT NULL,
        cover JSON NOT NULL,
        is_advertising TINYINT(1) NOT NULL DEFAULT 0,
        status TINYINT(1) NOT NULL DEFAULT 0 COMMENT '0 draft, 1 pending, 2 approved, 3 failed, 4 deleted, 5 banned',
        reviewer_id INT UNSIGNED NULL,
        review_time DATETIME NULL,
        delete_time DATETIME NULL,
        reject_reason VARCHAR(200) NULL,
        comment_count INT NOT NULL DEFAULT 0,
        allow_comment TINYINT(1) NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (article_id),
        KEY idx_news_article_user (user_id, status),
        KEY idx_news_article_channel (channel_id, status, article_id),
        KEY idx_news_article_status (status, article_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_article_content (
        article_id BIGINT UNSIGNED NOT NULL,
        content LONGTEXT NOT NULL,
        PRIMARY KEY (article_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_article_statistic (
        article_id BIGINT UNSIGNED NOT NULL,
        read_count INT NOT NULL DEFAULT 0,
        like_count INT NOT NULL DEFAULT 0,
        dislike_count INT NOT NULL DEFAULT 0,
        repost_count INT NOT NULL DEFAULT 0,
        collect_count INT NOT NULL DEFAULT 0,
        fans_comment_count INT NOT NULL DEFAULT 0,
        PRIMARY KEY (article_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_collection (
        collection_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        article_id BIGINT UNSIGNED NOT NULL,
        is_deleted TINYINT(1) NOT NULL DEFAULT 0,${TIMESTAMPS},
        PRIMARY KEY (collection_id),
        UNIQUE KEY uk_news_collection (user_id, article_id),
        KEY idx_news_collection_article (article_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_attitude (
        attitude_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        article_id BIGINT UNSIGNED NOT NULL,
        attitude TINYINT(1) NULL COMMENT '0 dislike, 1 like, NULL none',${TIMESTAMPS},
        PRIMARY KEY (attitude_id),
        UNIQUE KEY uk_news_attitude (user_id, article_id),
        KEY idx_news_attitude_article (article_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_report (
        report_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        article_id BIGINT UNSIGNED NOT NULL,
        type TINYINT(1) NOT NULL DEFAULT 0,
        remark VARCHAR(200) NULL,${TIMESTAMPS},
        PRIMARY KEY (report_id),
        UNIQUE KEY uk_news_report (user_id, article_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_comment (
        comment_id BIGINT UNSIGNED NOT NULL,
        user_id BIGINT UNSIGNED NOT NULL,
        article_id BIGINT UNSIGNED NOT NULL,
        parent_id BIGINT UNSIGNED NULL,
        like_count INT NOT NULL DEFAULT 0,
        reply_count INT NOT NULL DEFAULT 0,
        content VARCHAR(200) NOT NULL,
        is_top TINYINT(1) NOT NULL DEFAULT 0,
        status TINYINT(1) NOT NULL DEFAULT 1 COMMENT '0 pending, 1 approved, 2 failed, 3 deleted',${TIMESTAMPS},
        PRIMARY KEY (comment_id),
        KEY idx_news_comment_article (article_id, parent_id, status),
        KEY idx_news_comment_parent (parent_id, status)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_comment_liking (
        liking_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id BIGINT UNSIGNED NOT NULL,
        comment_id BIGINT UNSIGNED NOT NULL,
        is_deleted TINYINT(1) NOT NULL DEFAULT 0,${TIMESTAMPS},
        PRIMARY KEY (liking_id),
        UNIQUE KEY uk_news_comment_liking (user_id, comment_id),
        KEY idx_news_comment_liking_comment (comment_id)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE global_announcement (
        announcement_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        title VARCHAR(32) NOT NULL,
        content TEXT NOT NULL,
        status TINYINT(1) NOT NULL DEFAULT 0 COMMENT '0 pending, 1 published, 2 withdrawn',
        publish_time DATETIME NULL,${TIMESTAMPS},
        PRIMARY KEY (announcement_id),
        KEY idx_global_announcement_status (status, announcement_id)
      ) ${TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'global_announcement',
      'news_comment_liking',
      'news_comment',
      'news_report',
      'news_attitude',
      'news_collection',
      'news_article_statistic',
      'news_article_content',
      'news_article_basic',
      'news_user_channel',
      'news_channel',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
