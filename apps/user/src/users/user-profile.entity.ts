import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum Gender {
  Male = 0,
  Female = 1,
}

@Entity('user_profile')
export class UserProfileEntity {
  @PrimaryColumn({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  @Column({ type: 'tinyint' })
  gender: Gender;

  /** `YYYY-MM-DD` as stored; a calendar date has no time zone. */
  @Column({ type: 'date', nullable: true })
  birthday: string | null;

  @Column({ name: 'real_name', type: 'varchar', length: 32, nullable: true })
  realName: string | null;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
