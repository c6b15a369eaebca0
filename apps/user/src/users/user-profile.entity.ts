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

  /** `YYYY-MM-DD` as stored; a calendar date has no time zone (`utc` keeps the host's zone out). */
  @Column({ type: 'date', nullable: true, utc: true })
  birthday: string | null;

  @Column({ name: 'real_name', type: 'varchar', length: 32, nullable: true })
  realName: string | null;

  @Column({ name: 'id_number', type: 'varchar', length: 20, nullable: true })
  idNumber: string | null;

  /** Storage keys of the identity card images. */
  @Column({ name: 'id_card_front', type: 'varchar', length: 128, nullable: true })
  idCardFront: string | null;

  @Column({ name: 'id_card_back', type: 'varchar', length: 128, nullable: true })
  idCardBack: string | null;

  @Column({ name: 'id_card_handheld', type: 'varchar', length: 128, nullable: true })
  idCardHandheld: string | null;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
