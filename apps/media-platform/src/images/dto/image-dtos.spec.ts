import 'reflect-metadata';

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { CollectImageDto } from './collect-image.dto';
import { ImagePageQueryDto } from './image-page-query.dto';

const query = (plain: Record<string, string>) => plainToInstance(ImagePageQueryDto, plain);
const body = (plain: Record<string, unknown>) => plainToInstance(CollectImageDto, plain);

describe('image DTOs', () => {
  it('reads `collect` in the query as the reference parser did', () => {
    expect(query({ collect: 'true' }).collect).toBe(true);
    expect(query({ collect: 'False' }).collect).toBe(false);
    expect(query({ collect: '1' }).collect).toBe(true);
    expect(query({ collect: '0' }).collect).toBe(false);
    expect(validateSync(query({ collect: 'maybe' })).map((error) => error.property)).toEqual([
      'collect',
    ]);
  });

  it('accepts per_page 1..50 only', () => {
    expect(validateSync(query({ per_page: '1', page: '2' }))).toEqual([]);
    expect(validateSync(query({ per_page: '50' }))).toEqual([]);
    for (const per_page of ['0', '51', 'x']) {
      expect(validateSync(query({ per_page })).map((error) => error.property)).toEqual([
        'per_page',
      ]);
    }
  });

  it('requires a boolean `collect` body, reading 0/1 as booleans', () => {
    expect(body({ collect: 1 }).collect).toBe(true);
    expect(body({ collect: 0 }).collect).toBe(false);
    expect(validateSync(body({ collect: true }))).toEqual([]);
    expect(validateSync(body({ collect: 'yes' })).map((error) => error.property)).toEqual([
      'collect',
    ]);
    expect(validateSync(body({})).map((error) => error.property)).toEqual(['collect']);
  });
});
