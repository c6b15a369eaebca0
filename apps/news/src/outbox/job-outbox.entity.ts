import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A job to enqueue, written in the transaction of the change it follows: the change and its jobs
 * are committed together, and `JobOutboxRelay` moves the rows into BullMQ whenever Redis takes
 * them, so a queue that is down when the change commits loses no job.
 */
@Entity('news_job_outbox')
export class JobOutboxEntity {
  @PrimaryGeneratedColumn({ name: 'outbox_id', type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'job_name', type: 'varchar', length: 64 })
  jobName: string;

  /** The job's deterministic id: a relay that enqueues a row twice still makes one job. */
  @Column({ name: 'job_id', type: 'varchar', length: 191 })
  jobId: string;

  /** The job's payload as JSON. */
  @Column({ type: 'text' })
  payload: string;

  @CreateDateColumn({ name: 'create_time', type: 'datetime', precision: 3 })
  createTime: Date;
}
