import 'reflect-metadata';

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { ListCommentsQueryDto } from './list-comments-query.dto';

const SOURCE = '1300000000000000001';
const query = (plain: Record<string, string>) => plainToInstance(ListCommentsQueryDto, plain);
const problems = (plain: Record<string, string>) =>
  validateSync(query(plain)).map((error) => [
    error.property,
    Object.values(error.constraints ?? {})[0],
  ]);

describe('ListCommentsQueryDto', () => {
  it('takes a source id, an echoed offset and a limit of 10 to 50, leaving type to the caller', () => {
    expect(
      problems({ type: 'x', source: SOURCE, offset: '20000000001700000000', limit: '50' }),
    ).toEqual([]);
    expect(query({ source: SOURCE, offset: '0', limit: '10' })).toEqual(
      Object.assign(new ListCommentsQueryDto(), { source: SOURCE, offset: '0', limit: 10 }),
    );
  });

  it('reads an empty offset or limit as none', () => {
    expect(query({ source: SOURCE, offset: '', limit: '' })).toEqual(
      Object.assign(new ListCommentsQueryDto(), {
        source: SOURCE,
        offset: undefined,
        limit: undefined,
      }),
    );
    expect(problems({ source: SOURCE, offset: '', limit: '' })).toEqual([]);
  });

  it('refuses a bad source, offset or limit with the messages of the reference', () => {
    expect(problems({ source: '0' })).toEqual([['source', 'Invalid source param.']]);
    expect(problems({})).toEqual([['source', 'Invalid source param.']]);
    for (const offset of ['-5', '1.5', '1'.repeat(21), 'x'])
      expect(problems({ source: SOURCE, offset })).toEqual([['offset', 'Invalid offset param.']]);
    for (const limit of ['9', '51', '1e1', '0x10'])
      expect(problems({ source: SOURCE, limit })).toEqual([
        ['limit', 'limit must be within the range 10 - 50'],
      ]);
  });
});
