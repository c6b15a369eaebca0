import { authoredPageWindow } from './authored-page.rules';

describe('authoredPageWindow', () => {
  it("reads 100 rows a page for the publish admin's largest comment page", () => {
    expect(authoredPageWindow(1, 100)).toEqual({ offset: 0, limit: 100 });
    expect(authoredPageWindow(3, 100)).toEqual({ offset: 200, limit: 100 });
  });

  it('never reads more than 100 rows or fewer than 10', () => {
    expect(authoredPageWindow(1, 1000)).toEqual({ offset: 0, limit: 100 });
    expect(authoredPageWindow(2, 5)).toEqual({ offset: 10, limit: 10 });
    expect(authoredPageWindow(1, 0)).toEqual({ offset: 0, limit: 10 });
  });

  it('starts at the first page for a page below 1', () => {
    expect(authoredPageWindow(0, 20)).toEqual({ offset: 0, limit: 20 });
    expect(authoredPageWindow(-4, 20)).toEqual({ offset: 0, limit: 20 });
  });
});
