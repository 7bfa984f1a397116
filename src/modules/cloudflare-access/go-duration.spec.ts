import { parseGoDuration } from './go-duration';

describe('parseGoDuration', () => {
  it.each([
    ['30m', 1800],
    ['2h45m', 9900],
    ['24h', 86400],
    ['1.5h', 5400],
    ['90s', 90],
    ['1h0m30s', 3630],
  ])('%s is %d s', (text, seconds) => expect(parseGoDuration(text)).toEqual({ seconds }));

  it.each(['', '0s', '500ms', '1.5s', '10us', '1d', '24', 'h', '-1h', '1h ', '8761h', '24H'])('refuses %j', (text) => expect(parseGoDuration(text)).toHaveProperty('error'));
});
