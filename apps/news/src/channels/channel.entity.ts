import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('news_channel')
export class ChannelEntity {
  @PrimaryGeneratedColumn({ name: 'channel_id', type: 'int', unsigned: true })
  id: number;

  @Column({ name: 'channel_name', type: 'varchar', length: 32 })
  name: string;

  @Column({ type: 'int' })
  sequence: number;

  @Column({ name: 'is_visible', type: 'boolean' })
  isVisible: boolean;

  @Column({ name: 'is_default', type: 'boolean' })
  isDefault: boolean;

  @CreateDateColumn({ name: 'create_time', type: 'datetime' })
  createTime: Date;

  @UpdateDateColumn({ name: 'update_time', type: 'datetime' })
  updateTime: Date;
}
