// The 时间银行 rules the forms check on the phone, and the words and numbers the pages show.
const tb = require('../packageTimebank/utils/timebank');

const at = (iso) => Date.parse(iso);

describe('hours', () => {
  test.each([
    [0, '0 小时'],
    [30, '0.5 小时'],
    [90, '1.5 小时'],
    [120, '2 小时'],
    [6390, '106.5 小时'],
  ])('%i minutes read %s', (minutes, words) => {
    expect(tb.hoursText(minutes)).toBe(words);
  });

  test('signed hours carry their sign in the words', () => {
    expect(tb.signedHoursText(150)).toBe('+2.5 小时');
    expect(tb.signedHoursText(-60)).toBe('−1 小时');
  });

  test.each([
    ['2', { minutes: 120 }],
    [' 1.5 ', { minutes: 90 }],
    ['0.5', { minutes: 30 }],
    ['', { error: '请填写小时数' }],
    ['abc', { error: '请填写数字，例如 2 或 1.5' }],
    ['-1', { error: '请填写数字，例如 2 或 1.5' }],
    ['1.25', { error: '以半小时为单位（30 分钟的整数倍）。' }],
    ['0.3', { error: '以半小时为单位（30 分钟的整数倍）。' }],
    ['0', { error: '至少半小时' }],
  ])('parseHours(%j) → %j (multiples of 30 minutes, as the server wants)', (typed, expected) => {
    expect(tb.parseHours(typed)).toEqual(expected);
  });

  test('parseHours respects a maximum', () => {
    expect(tb.parseHours('12', { max: 720 })).toEqual({ minutes: 720 });
    expect(tb.parseHours('12.5', { max: 720 })).toEqual({ error: '一次最多 12 小时' });
  });
});

describe('mobile numbers and codes', () => {
  test.each([
    ['13800000001', true],
    ['138 0000 0001', true],
    ['138-0000-0001', true],
    ['12800000001', false],
    ['1380000000', false],
    ['138000000012', false],
    ['', false],
  ])('%j is a mobile number: %s', (value, yes) => {
    expect(tb.isMobile(value)).toBe(yes);
  });

  test('a check-in code is 6 digits', () => {
    expect(tb.validateCode('232389')).toBe('');
    expect(tb.validateCode('23238')).toBe('签到码是 6 位数字。');
    expect(tb.validateCode('23238a')).toBe('签到码是 6 位数字。');
  });
});

describe('star level', () => {
  test('marks and words', () => {
    expect([0, 1, 3, 5].map(tb.starMarks)).toEqual(['☆☆☆☆☆', '★☆☆☆☆', '★★★☆☆', '★★★★★']);
    expect([0, 1, 2, 5].map(tb.starWords)).toEqual(['尚未评星', '一星志愿者', '二星志愿者', '五星志愿者']);
  });

  test('how far the next level is, from earned minutes and the next threshold in hours', () => {
    expect(tb.nextStarText({ star_level: 2, next_star_hours: 600, earned_minutes: 300 * 60 + 30 })).toBe(
      '再服务 299.5 小时，可达到三星（累计 600 小时）。',
    );
    expect(tb.nextStarText({ star_level: 5, next_star_hours: null, earned_minutes: 0 })).toBe('已达到最高星级（五星）。');
  });
});

describe('times in Asia/Shanghai', () => {
  const now = at('2026-11-30T02:00:00+00:00'); // Monday 10:00 in Shanghai

  test('a slot on one day', () => {
    expect(tb.slotText('2026-11-30T08:00:00+00:00', '2026-11-30T10:00:00+00:00', now)).toBe('今天 11月30日（周一） 16:00–18:00');
    expect(tb.slotText('2026-12-01T01:30:00+00:00', '2026-12-01T03:00:00+00:00', now)).toBe('明天 12月1日（周二） 09:30–11:00');
    expect(tb.slotText('2026-12-05T01:30:00Z', '2026-12-05T03:00:00Z', now)).toBe('12月5日（周六） 09:30–11:00');
  });

  test('the day follows Shanghai, not UTC: 17:00 UTC is the next morning', () => {
    expect(tb.slotText('2026-11-30T17:00:00+00:00', '2026-11-30T18:00:00+00:00', now)).toBe('明天 12月1日（周二） 01:00–02:00');
  });

  test('a slot over midnight names both days', () => {
    expect(tb.slotText('2026-11-30T14:00:00+00:00', '2026-11-30T17:00:00+00:00', now)).toBe(
      '今天 11月30日（周一） 22:00 至 明天 12月1日（周二） 01:00',
    );
  });

  test('today as the server counts it', () => {
    expect(tb.todayText(at('2026-11-30T15:59:00Z'))).toBe('2026-11-30');
    expect(tb.todayText(at('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
  });

  test('dates and moments', () => {
    expect(tb.dayText('2026-03-02')).toBe('2026年3月2日');
    expect(tb.momentText('2026-11-27T09:30:00+00:00')).toBe('11月27日 17:30');
  });

  test('time filter windows end at Shanghai midnight', () => {
    const today = tb.timeWindow('today', now);
    expect(today.from).toBe('2026-11-30T02:00:00.000Z');
    expect(today.to).toBe('2026-11-30T16:00:00.000Z');
    expect(tb.timeWindow('tomorrow', now)).toEqual({ from: '2026-11-30T16:00:00.000Z', to: '2026-12-01T16:00:00.000Z' });
    expect(tb.timeWindow('week', now).to).toBe('2026-12-07T02:00:00.000Z');
    expect(tb.timeWindow('', now)).toEqual({});
  });
});

describe('view models', () => {
  test('an opportunity with no place left reads 已约满', () => {
    const view = tb.opportunityView({ title: 'x', starts_at: '2026-12-01T01:00:00Z', ends_at: '2026-12-01T03:00:00Z', minutes: 120, places: 4, places_left: 0, skill_names: ['理发'] });
    expect(view.placesText).toBe('已约满');
    expect(view.full).toBe(true);
    expect(view.placeText).toBe('无固定地点（到场后凭签到码签到）');
  });

  test('a booking that ended without check-in cannot be checked in any more', () => {
    const view = tb.bookingView({ status: 'booked', starts_at: '2020-01-01T01:00:00Z', ends_at: '2020-01-01T03:00:00Z' });
    expect(view.statusText).toBe('未签到，已结束');
    expect(view.canCheckIn).toBe(false);
    expect(view.canCancel).toBe(false);
  });

  test('every ledger kind the server writes has a Chinese name', () => {
    ['service', 'redemption', 'release', 'transfer_out', 'transfer_in', 'overflow', 'donation', 'fund_in', 'grant', 'grant_out', 'correction'].forEach(
      (kind) => expect(tb.entryView({ kind, minutes: 30 }).kindText).toMatch(/[\u4e00-\u9fff]/),
    );
  });

  test('the skill list matches the server’s SKILL_NAMES', () => {
    expect(tb.SKILLS.map((s) => s.key)).toEqual([
      'companionship', 'housekeeping', 'meal_help', 'personal_care', 'medical_escort', 'rehabilitation',
      'haircut', 'repairs', 'digital_help', 'legal_advice', 'cultural',
    ]);
  });
});

describe('forms', () => {
  test('register needs a skill from the list and a team of at most 32 characters', () => {
    expect(tb.validateRegister({ skills: [], team: '' })).toEqual({ skills: '请至少选择一项您能提供的服务' });
    expect(tb.validateRegister({ skills: ['bogus'] })).toEqual({ skills: '请至少选择一项您能提供的服务' });
    expect(tb.validateRegister({ skills: ['haircut'], team: '志'.repeat(33) })).toEqual({ team: '团队名称最多 32 个字' });
    expect(tb.validateRegister({ skills: ['haircut'], team: '义工之家' })).toEqual({});
  });

  test('transfer: an 11-digit mobile, a name, whole half hours', () => {
    expect(tb.validateTransfer({ phone: '13800000001', realName: '王建国', hours: '2' })).toEqual({ errors: {}, minutes: 120 });
    const { errors } = tb.validateTransfer({ phone: '1380000', realName: ' ', hours: '1.2', relation: '一'.repeat(17) });
    expect(Object.keys(errors).sort()).toEqual(['hours', 'phone', 'realName', 'relation']);
  });

  test('redemption: a service, a date not in the past, a place, a region, 0.5–12 hours', () => {
    const now = at('2026-11-30T02:00:00Z');
    const good = { service: 'haircut', wantedOn: '2026-11-30', place: '家里', regionCode: '330802001001', hours: '1' };
    expect(tb.validateRedemption(good, now)).toEqual({ errors: {}, minutes: 60 });
    expect(tb.validateRedemption(Object.assign({}, good, { wantedOn: '2026-11-29' }), now).errors).toEqual({ wantedOn: '日期不能早于今天。' });
    expect(tb.validateRedemption(Object.assign({}, good, { forFamily: true }), now).errors).toEqual({ recipientName: '请填写家人的姓名' });
    expect(tb.validateRedemption(Object.assign({}, good, { regionCode: '' }), now).errors).toEqual({ region: '请选择所在地区' });
  });

  test('a 422’s errors.json maps onto the form’s fields, nested lists flattened, unknown fields kept aside', () => {
    const err = { errors: { json: { minutes: ['以半小时为单位。'], skills: { 1: ['应为以下之一。'] }, 'Idempotency-Key': ['太长'] } } };
    expect(tb.fieldErrorsOf(err, { minutes: 'hours', 'Idempotency-Key': null })).toEqual({
      fields: { hours: '以半小时为单位。', skills: '应为以下之一。' },
      other: '太长',
    });
    expect(tb.fieldErrorsOf(null)).toEqual({ fields: {}, other: '' });
  });

  test('idempotency keys are unique', () => {
    const keys = new Set(Array.from({ length: 200 }, () => tb.newIdempotencyKey()));
    expect(keys.size).toBe(200);
  });
});
