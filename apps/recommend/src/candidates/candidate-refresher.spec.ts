import { everyChannel } from './candidate-refresher';

describe('everyChannel', () => {
  it("holds the newest of all channels and each channel's newest, once each", () => {
    const listed = new Map([
      [0, ['15', '14', '13']],
      [1, ['15', '14', '13', '12', '11']],
      [2, ['3', '2', '1']],
    ]);
    expect(everyChannel(listed, 2)).toEqual(['15', '14', '13', '3', '2']);
  });
});
