import { LocalGenerations } from './local-generations';

describe('LocalGenerations', () => {
  it('tells a fill whether its key was invalidated after it began, and only its key', () => {
    const generations = new LocalGenerations();
    const before = generations.current();
    generations.drop('a');
    expect(generations.droppedSince('a', before)).toBe(true);
    expect(generations.droppedSince('b', before)).toBe(false);
    expect(generations.droppedSince('a', generations.current())).toBe(false);
  });

  it('treats a fill older than a forgotten invalidation as overtaken, and a newer one not', () => {
    const generations = new LocalGenerations(2);
    const oldest = generations.current();
    generations.drop('a');
    const afterA = generations.current();
    generations.drop('b');
    generations.drop('c');
    // 'a' was forgotten: a fill that began before it cannot know whether it was its key.
    expect(generations.droppedSince('x', oldest)).toBe(true);
    expect(generations.droppedSince('x', afterA)).toBe(false);
    expect(generations.droppedSince('b', afterA)).toBe(true);
  });
});
