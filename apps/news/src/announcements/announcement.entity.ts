import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export enum AnnouncementStatus {
  Pending = 0,
  Published = 1,
  Withdrawn = 2,
}

@Entity('global_announcement')
export class AnnouncementEntity {
  @PrimaryGeneratedColumn({ name: 'announcement_id', type: 'int', unsigned: true })
  id: number;

  @Column({ type: 'varchar', length: 32 })
  title: string;

  @Column({ type: 'text' })
  content: string;

  @Column({ type: 'tinyint' })
  status: AnnouncementStatus;

  @Column({ name: 'publish_time', type: 'datetime', nullable: true })
  publishTime: Date | null;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
