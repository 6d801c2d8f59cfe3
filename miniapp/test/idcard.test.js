const { checkIdNumber, normalizeIdNumber } = require('../utils/idcard');

const NOW = new Date('2024-06-15T04:00:00Z'); // 2024-06-15 12:00 in China

describe('checkIdNumber (GB 11643)', () => {
  test.each(['11010519491231002X', '440524188001010014', '330802195001010012', '330881195001010018'])(
    '%s is valid',
    (id) => {
      expect(checkIdNumber(id, NOW)).toEqual({ ok: true, reason: '' });
    },
  );

  test('a lower-case x is accepted as X, and normalized for the server', () => {
    expect(checkIdNumber('11010519491231002x', NOW).ok).toBe(true);
    expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
  });

  test('a wrong check character fails with a Chinese reason', () => {
    const result = checkIdNumber('330802195001010013', NOW);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/校验码/);
    expect(checkIdNumber('110105194912310021', NOW).ok).toBe(false); // digit where X belongs
  });

  test.each([
    ['330802195002300011', '2月30日'],
    ['330802195013010011', '13月'],
    ['330802195000010011', '0月'],
    ['330802190002290011', '1900 is not a leap year'],
    ['330802179912310011', 'before 1800'],
  ])('%s has an impossible birth date (%s)', (id) => {
    const result = checkIdNumber(id, NOW);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/出生日期不正确/);
  });

  test.each([
    ['991234195001010010', 'no such province'],
    ['330000195001010010', 'a province without a county'],
  ])('%s has a region code the server refuses (%s)', (first) => {
    // The check character is made right, so only the region code can refuse it.
    const id = first.slice(0, 17) + checkCharOf(first.slice(0, 17));
    const result = checkIdNumber(id, NOW);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/地区码/);
  });

  test('a birth date after today (in China) fails', () => {
    // 2024-06-16 is tomorrow in China; the check character is right, so only the date can refuse it.
    const tomorrow = '33080220240616001' + checkCharOf('33080220240616001');
    const result = checkIdNumber(tomorrow, NOW);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/晚于今天/);
    // the same number is fine a day later
    expect(checkIdNumber(tomorrow, new Date('2024-06-16T01:00:00Z')).ok).toBe(true);
  });

  test.each([
    ['', /请填写/],
    ['33080219500101001', /18位/],
    ['3308021950010100123', /18位/],
    ['330802500101001', /18位/],
    ['33080219500101001Y', /数字/],
    ['3308021950010X0012', /数字/],
  ])('%j fails: %s', (id, reason) => {
    const result = checkIdNumber(id, NOW);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(reason);
  });
});

function checkCharOf(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = first17.split('').reduce((s, d, i) => s + Number(d) * w[i], 0);
  return '10X98765432'[sum % 11];
}
