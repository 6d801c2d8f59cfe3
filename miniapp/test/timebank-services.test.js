// packageTimebank/services/timebank.js: each function calls its endpoint with the method, query, body and
// headers the server expects (server/api/timebank.py), and errors keep the server's extra keys.
const timebank = require('../packageTimebank/services/timebank');
const config = require('../config');

const fake = global.fakeWx;
const last = () => fake.requests[fake.requests.length - 1];

beforeEach(() => {
  fake.reset();
  fake.storage.tokens = { access_token: 'a', refresh_token: 'r' };
  fake.respond = () => ({ statusCode: 200, data: {} });
});

describe('timebank services', () => {
  test.each([
    ['register', () => timebank.register({ skills: ['haircut'], team: '义工之家' }), 'POST', '/timebank/volunteers', { skills: ['haircut'], team: '义工之家' }],
    ['myVolunteer', () => timebank.myVolunteer(), 'GET', '/timebank/volunteers/me', undefined],
    ['getOpportunity', () => timebank.getOpportunity(5), 'GET', '/timebank/opportunities/5', undefined],
    ['myBookings', () => timebank.myBookings(), 'GET', '/timebank/bookings', { mine: 1, page: 1, page_size: 20 }],
    ['cancelBooking', () => timebank.cancelBooking(7), 'DELETE', '/timebank/bookings/7', undefined],
    ['checkIn by position', () => timebank.checkIn(7, { lat: 28.9, lng: 118.8 }), 'POST', '/timebank/bookings/7/check-in', { lat: 28.9, lng: 118.8, coord_type: 'gcj02' }],
    ['checkOut by code', () => timebank.checkOut(7, { code: '123456' }), 'POST', '/timebank/bookings/7/check-out', { code: '123456' }],
    ['getAccount', () => timebank.getAccount({ page: 2 }), 'GET', '/timebank/account', { page: 2, page_size: 20 }],
    ['myRedemptions', () => timebank.myRedemptions(), 'GET', '/timebank/redemptions', { mine: 1, page: 1, page_size: 20 }],
    ['cancelRedemption', () => timebank.cancelRedemption(3), 'POST', '/timebank/redemptions/3/cancel', {}],
    ['logsToConfirm', () => timebank.logsToConfirm(), 'GET', '/timebank/service-logs', { to_confirm: 1, page: 1, page_size: 20 }],
    ['confirmLog', () => timebank.confirmLog(11), 'POST', '/timebank/service-logs/11/confirm', undefined],
  ])('%s → %s %s', async (_name, call, method, path, data) => {
    await call();
    expect(last().url).toBe(config.baseUrl + path);
    expect(last().method).toBe(method);
    expect(last().data).toEqual(data);
    expect(last().header.Authorization).toBe('Bearer a');
  });

  test('listOpportunities sends the position with gcj02, or the region, and the filters', async () => {
    await timebank.listOpportunities({ lat: 28.9, lng: 118.8, skill: 'haircut', from: 'f', to: 't' });
    expect(last().data).toEqual({ lat: 28.9, lng: 118.8, coord_type: 'gcj02', skill: 'haircut', from: 'f', to: 't', page: 1, page_size: 20 });

    await timebank.listOpportunities({ regionCode: '330802', page: 2 });
    expect(last().data).toEqual({ region_code: '330802', page: 2, page_size: 20 });
  });

  test('writes a phone may retry carry the Idempotency-Key', async () => {
    await timebank.book(5, 'key-1');
    expect(last().url).toBe(`${config.baseUrl}/timebank/opportunities/5/bookings`);
    expect(last().method).toBe('POST');
    expect(last().header['Idempotency-Key']).toBe('key-1');

    await timebank.transfer({ phone: '13800000001', realName: '王建国', minutes: 60 }, 'key-2');
    expect(last().data).toEqual({ phone: '13800000001', real_name: '王建国', minutes: 60 });
    expect(last().header['Idempotency-Key']).toBe('key-2');

    await timebank.redeem({ service: 'haircut', wantedOn: '2030-01-01', place: '家里', regionCode: '330802001001', minutes: 60 }, 'key-3');
    expect(last().data).toEqual({ service: 'haircut', wanted_on: '2030-01-01', place: '家里', region_code: '330802001001', minutes: 60 });
    expect(last().header['Idempotency-Key']).toBe('key-3');
  });

  test('a 409 keeps the keys the server added (available_minutes, missing)', async () => {
    fake.respond = () => ({
      statusCode: 409,
      data: { code: 409, status: 'Conflict', message: '可用时间不足：您现在可用 0.5 小时。', error: 'insufficient_balance', available_minutes: 30 },
    });

    const err = await timebank.redeem({ service: 'haircut', minutes: 60 }, 'k').catch((e) => e);

    expect(err.message).toBe('可用时间不足：您现在可用 0.5 小时。');
    expect(err.statusCode).toBe(409);
    expect(err.error).toBe('insufficient_balance');
    expect(err.data.available_minutes).toBe(30);
  });
});
