import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum UserStatus {
  Disabled = 0,
  Enabled = 1,
}

@Entity('user_basic')
export class UserEntity {
  @PrimaryColumn({ name: 'user_id', type: 'bigint', unsigned: true })
  id: string;

  @Column({ type: 'char', length: 11 })
  mobile: string;

  // Unique under a collation that tells emoji and rare Chinese characters apart (see migrations).
  @Column({ name: 'user_name', type: 'varchar', length: 32, collation: 'utf8mb4_unicode_520_ci' })
  name: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  email: string | null;

  /** Storage key of the profile photo (never a URL: the public base can change). */
  @Column({ name: 'profile_photo', type: 'varchar', length: 128, nullable: true })
  photo: string | null;

  @Column({ type: 'tinyint' })
  status: UserStatus;

  @Column({ name: 'is_media', type: 'boolean' })
  isMedia: boolean;

  @Column({ name: 'is_verified', type: 'boolean' })
  isVerified: boolean;

  @Column({ name: 'introduction', type: 'varchar', length: 60, nullable: true })
  intro: string | null;

  @Column({ name: 'certificate', type: 'varchar', length: 30, nullable: true })
  certi: string | null;

  @Column({ name: 'last_login', type: 'datetime', nullable: true })
  lastLogin: Date | null;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
