/**
 * @jest-environment node
 */
// The contract between the mini-program and the API: utils/request.js and the services modules, unchanged,
// against the real server (server/, started with the repo's venv on a fresh SQLite database with the demo seed),
// with a `wx` whose request / uploadFile / downloadFile go over real HTTP and answer the way WeChat's do
// (test/helpers/live-wx.js). The bodies are built by the pages' own helpers (utils/household.js,
// utils/gift-form.js, …) and the answers go through the pages' own view helpers, so a path, a field or a
// format the two sides disagree on fails here.
//
// The steps share one server and run in order, as a resident, a volunteer and a worker would:
// log in (wx.login → /auth/wechat, and dev-login as the demo users), the real-name form saved (PATCH /me), the
// self-check, an application created, filled, given a document and submitted (and seen by the community worker,
// who downloads the document), the nearest shelter, a time bank slot booked and cancelled, a gift logged with an
// Idempotency-Key and replayed.
//
// The venv missing is a failure, not a skip: `make test` creates it before jest runs.
const fs = require('fs');
const path = require('path');

const { startLiveServer } = require('./helpers/live-server');
const { createLiveWx } = require('./helpers/live-wx');

jest.setTimeout(60000);

const config = require('../config');
const { request, getTokens, setTokens, clearTokens, isLoggedIn } = require('../utils/request');
const auth = require('../services/auth');
const assistance = require('../services/assistance');
const facilities = require('../services/facilities');
const charity = require('../services/charity');
const regions = require('../services/regions');
const timebank = require('../packageTimebank/services/timebank');
const workerAssistance = require('../packageWorker/services/assistance');
const h = require('../packageAssistance/utils/household');
const af = require('../packageAssistance/utils/format');
const { newIdempotencyKey: assistanceKey } = require('../packageAssistance/utils/idempotency');
const giftForm = require('../packageCharity/utils/gift-form');
const cf = require('../packageCharity/utils/format');
const { newIdempotencyKey: giftKey } = require('../packageCharity/utils/idempotency');
const tb = require('../packageTimebank/utils/timebank');
const profileForm = require('../packageMe/utils/profile-form');
const { checkIdNumber } = require('../utils/idcard');
const { flattenErrors } = require('../utils/errors');
const shelterCache = require('../utils/shelter-cache');

// 衢州 (柯城区), where the demo facilities and the demo community are (the fake wx's default position too).
const HERE = { lat: 28.969, lng: 118.873 };
const CITY_CODE = '330800'; // the self-check page's counties come from /regions?parent=330800
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let live;
let client;

/** The demo users log in without WeChat (POST /auth/dev-login, development and testing servers only). */
async function devLogin(openid) {
  clearTokens();
  const res = await request({ url: '/auth/dev-login', method: 'POST', data: { openid }, auth: false });
  setTokens(res);
  return res.user;
}

/** Text a page shows must never read "undefined" or "NaN" (a field the server does not send, a bad format). */
function expectReadable(view, keys) {
  keys.forEach((key) => {
    const value = view[key];
    expect({ [key]: typeof value }).toEqual({ [key]: 'string' });
    expect({ [key]: value }).not.toEqual({ [key]: expect.stringMatching(/undefined|NaN|null|Invalid/) });
  });
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

beforeAll(async () => {
  live = await startLiveServer({ startupMs: 30000 });
  client = createLiveWx({ tmpDir: live.tmpDir });
  global.wx = client.wx;
  config.baseUrl = live.baseUrl;
}, 60000);

afterAll(async () => {
  if (live) await live.stop();
});

/** A step of the session: on a failure, the server's last log lines are added to the message. */
function step(name, fn) {
  test(name, async () => {
    try {
      await fn();
    } catch (err) {
      if (err && typeof err.message === 'string') {
        // An Error from utils/request.js: what the server answered, not only the resident's sentence.
        if (typeof err.statusCode === 'number') {
          err.message += `\nHTTP ${err.statusCode} ${err.error || ''} ${err.errors ? JSON.stringify(err.errors) : ''}`;
        }
        if (live) err.message += `\n\n--- API server log (last lines) ---\n${live.log()}`;
      }
      throw err;
    }
  });
}

describe('login', () => {
  step('wx.login → POST /auth/wechat stores both tokens; GET /me answers the new user', async () => {
    client.codes.push('contract-newcomer');
    const user = await auth.loginWithWechat();

    expect(live.wechat.calls[0]).toMatch(/^\/sns\/jscode2session\?.*js_code=contract-newcomer/);
    expect(user).toEqual(expect.objectContaining({ id: expect.any(Number), roles: expect.any(Array), profile_complete: false }));
    expect(getTokens()).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String) });

    const me = await auth.getMe();
    expect(me.id).toBe(user.id);
  });

  step('an access token the server refuses: one refresh (POST /auth/refresh) and the call is retried', async () => {
    const before = getTokens();
    setTokens({ access_token: 'not-a-valid-token', refresh_token: before.refresh_token });

    const me = await auth.getMe();

    expect(me.id).toEqual(expect.any(Number));
    const after = getTokens();
    expect(after.access_token).not.toBe('not-a-valid-token');
    expect(after.refresh_token).not.toBe(before.refresh_token); // the server rotates it
    const calls = client.log.slice(-3).map((c) => `${c.method} ${new URL(c.url).pathname} ${c.statusCode}`);
    expect(calls).toEqual(['GET /api/v1/me 401', 'POST /api/v1/auth/refresh 200', 'GET /api/v1/me 200']);
  });

  step('实名信息: what the phone refuses the server refuses too, on the same field (422 errors.json)', async () => {
    // A valid check character but no such province: GB 11643 as both sides read it.
    const badProvince = '990881196203085170';
    expect(checkIdNumber(badProvince).ok).toBe(false);
    const refusedId = await auth.updateMe({ id_number: badProvince }).catch((e) => e);
    expect(refusedId.statusCode).toBe(422);
    expect(profileForm.serverErrors(refusedId).fields.id_number).toMatch(/[\u4e00-\u9fff]/);

    const refusedPhone = await auth.updateMe({ phone: '1385700' }).catch((e) => e);
    expect(refusedPhone.statusCode).toBe(422);
    expect(profileForm.serverErrors(refusedPhone).fields).toEqual({ phone: expect.stringMatching(/手机号码/) });
  });

  step('实名信息: the form\'s body, as PATCH /me (a POST with X-HTTP-Method-Override), completes the profile', async () => {
    const before = await auth.getMe();
    const community = await regions.getRegion('330802001001'); // the demo community, as the picker ends on it
    expect(community.level).toBe('community');
    const { errors, body } = profileForm.buildUpdate({
      form: { real_name: ' 赵建国 ', id_number: '330881196203085178', phone: '139 5700 1234' },
      profile: before,
      region: community,
    });
    expect(errors).toBeNull();

    const saved = await auth.updateMe(body);

    const call = client.log[client.log.length - 1];
    expect(call).toEqual(expect.objectContaining({ method: 'POST', statusCode: 200 }));
    expect(new URL(call.url).pathname).toBe('/api/v1/me');
    expect(saved).toEqual(
      expect.objectContaining({
        real_name: '赵**',
        id_number: '330881********5178',
        phone: '139****1234',
        region_code: '330802001001',
        profile_complete: true,
      }),
    );
    expect(await auth.getMe()).toEqual(saved); // 我的 shows what was saved
    // Saved once, the ID number is not the owner's to change: the form no longer sends it.
    expect(profileForm.buildUpdate({ form: { id_number: '330802195001010012' }, profile: saved, region: community }).body).toEqual({});
  });

  step('logout: POST /auth/logout, the phone forgets the tokens and the server the session', async () => {
    const { refresh_token: old } = getTokens();
    await auth.logout();

    expect(isLoggedIn()).toBe(false);
    expect(client.log[client.log.length - 1]).toEqual(expect.objectContaining({ method: 'POST', statusCode: 204 }));
    const refused = await request({ url: '/auth/refresh', method: 'POST', data: { refresh_token: old }, auth: false }).catch((e) => e);
    expect(refused.statusCode).toBe(401);
  });

  step('dev-login as demo-resident: the seeded real-name profile, masked', async () => {
    const user = await devLogin('demo-resident');

    expect(user).toEqual(expect.objectContaining({ profile_complete: true, region_code: '330802001001' }));
    const me = await auth.getMe();
    expect(me.id_number).toMatch(/\*/);
    expect(me.phone).toMatch(/\*/);
    expect(me.roles).toContain('resident');
  });
});

describe('救助', () => {
  let programs;
  let app;
  let attachment;

  step('自测: the programs, the counties, the self-check (sent without a token) explained line by line', async () => {
    programs = await assistance.listPrograms();
    const dibao = programs.find((p) => p.code === 'dibao');
    expect(dibao).toEqual(expect.objectContaining({ name: expect.any(String), documents: expect.any(Array) }));
    expect(dibao.documents.length).toBeGreaterThan(0);
    expectReadable(af.decorateProgram(dibao), ['standard_text']);

    const counties = await regions.listRegions(CITY_CODE);
    expect(counties.map((c) => c.code)).toContain('330802');
    const me = await auth.getMe();
    expect(counties.map((c) => c.code)).toContain(me.region_code.slice(0, 6)); // the page preselects it

    const form = h.emptyForm();
    form.members = [
      { relation: 'self', age: '72', income: '300', disability: 0, student: false },
      { relation: 'spouse', age: '70', income: '0', disability: 2, student: false },
    ];
    expect(Object.assign({}, h.membersProblems(form.members), h.incomeProblems(form.members), h.assetsProblems(form, 'dibao', { requireMedical: false }))).toEqual({});
    const body = h.eligibilityBody({ program: 'dibao', regionCode: '330802', isUrban: true, form });

    const result = await assistance.checkEligibility(body);

    expect(result).toEqual(
      expect.objectContaining({
        program: 'dibao',
        eligible: expect.any(Boolean),
        household_size: 2,
        total_income_fen: 30000,
        amount_kind: 'monthly',
        reasons: expect.arrayContaining([expect.objectContaining({ test: expect.any(String), passed: expect.any(Boolean), message: expect.any(String) })]),
      }),
    );
    const view = af.decorateResult(result);
    expectReadable(view, ['headline', 'summary', 'amountText', 'sizeText', 'totalText', 'perCapitaText', 'standardText']);
    expect(view.lines.length).toBe(result.reasons.length);
    view.lines.forEach((line) => expectReadable(line, ['word', 'message']));
  });

  step('自测 with a wrong age: the 422 lands on members.0.age, as the page maps it', async () => {
    const form = h.emptyForm();
    form.members = [{ relation: 'self', age: '72', income: '300', disability: 0, student: false }];
    const body = h.eligibilityBody({ program: 'dibao', regionCode: '330802', isUrban: true, form });
    body.members[0].age = 131; // past what the phone lets through

    const err = await assistance.checkEligibility(body).catch((e) => e);

    expect(err.statusCode).toBe(422);
    const { fields } = flattenErrors(err);
    expect(fields['members.0.age']).toMatch(/[\u4e00-\u9fff]/);
    const view = h.viewErrors(fields, 1, 0);
    expect(view.memberErrors[0].age).toBe(fields['members.0.age']);
  });

  step('申请: a draft created from the form (Idempotency-Key: a retry gives the same draft)', async () => {
    const form = h.emptyForm();
    form.members = [{ relation: 'self', age: '72', income: '300', disability: 0, student: false }];
    form.financial = '2000';
    form.reason = '老伴去年去世，一个人生活，没有退休金，靠种菜和亲戚接济。';
    form.hasRelatives = false;
    // The phone's checks of steps 1–4 pass: the server must take what they let through.
    expect(
      Object.assign({}, h.membersProblems(form.members), h.incomeProblems(form.members), h.assetsProblems(form, 'dibao'), h.reasonProblems(form, 'dibao')),
    ).toEqual({});
    const groups = h.draftGroups(form, 'dibao');
    const body = Object.assign({ program: 'dibao' }, groups.members, groups.assets, groups.reason);
    const key = assistanceKey('asst-new');

    app = await assistance.createApplication(body, key);
    const again = await assistance.createApplication(body, key);

    expect(app).toEqual(
      expect.objectContaining({
        id: expect.any(Number),
        program: 'dibao',
        status: 'draft',
        version: expect.any(Number),
        region_code: '330802001001',
        allowed_actions: expect.arrayContaining(['submit']),
      }),
    );
    expect(again.id).toBe(app.id);
    // What the server keeps comes back into the same form (the page reopens a draft from it).
    expect(h.draftGroups(h.formFromApplication(app), 'dibao')).toEqual(groups);
  });

  step('证明材料: a photo through wx.uploadFile (multipart, the token, the kind), with progress', async () => {
    const filePath = path.join(live.tmpDir, 'hukou.png');
    fs.writeFileSync(filePath, PNG);
    const kind = programs.find((p) => p.code === 'dibao').documents[0];
    const progress = [];

    attachment = await assistance.uploadAttachment(app.id, { filePath, kind, onProgress: (p) => progress.push(p) });

    expect(attachment).toEqual(
      expect.objectContaining({ id: expect.any(String), kind, filename: 'hukou.png', content_type: 'image/png', size: PNG.length }),
    );
    expect(progress).toContain(100);
    const detail = await assistance.getApplication(app.id);
    expect(detail.attachments.map((a) => a.id)).toEqual([attachment.id]);
    expect(h.documentProblems(detail.attachments)).toEqual({});
  });

  step('提交: POST …/submit {version} with its key; the answer the done screen shows; a replay answers the same', async () => {
    const key = assistanceKey('asst-submit');
    const detail = await assistance.getApplication(app.id);

    const submitted = await assistance.submitApplication(app.id, detail.version, key);
    const replay = await assistance.submitApplication(app.id, detail.version, key);

    expect(submitted).toEqual(
      expect.objectContaining({ id: app.id, status: 'submitted', number: expect.stringMatching(/^DB-/), submitted_at: expect.stringMatching(ISO) }),
    );
    expect(replay).toEqual(expect.objectContaining({ id: app.id, status: 'submitted', number: submitted.number }));
    const done = af.decorateApplication(submitted, { dibao: '最低生活保障' });
    expectReadable(done, ['program_name', 'status_text', 'created_text', 'submitted_text']);
    expectReadable(done.next, ['label', 'title', 'text']);

    const mine = await assistance.myApplications();
    expect(mine.map((a) => a.id)).toContain(app.id);
    const timeline = await assistance.getApplication(app.id);
    expect(timeline.events.map((e) => e.to_status)).toContain('submitted');
    af.timeline(timeline.events).forEach((item) => expectReadable(item, ['time']));
  });

  step('工作台: the community worker finds it in the queue and downloads the document (wx.downloadFile)', async () => {
    await devLogin('demo-worker-community');

    const queue = await workerAssistance.queue({ status: 'submitted', pageSize: 100 });
    expect(queue.map((a) => a.id)).toContain(app.id);
    const detail = await workerAssistance.getApplication(app.id);
    expect(detail.attachments.map((a) => a.id)).toEqual([attachment.id]);

    const tempFilePath = await workerAssistance.downloadAttachment(app.id, attachment.id);
    expect(fs.readFileSync(tempFilePath).equals(PNG)).toBe(true);
  });
});

describe('找服务', () => {
  step('the nearest shelters (no token), kept for offline, and one shelter’s detail', async () => {
    clearTokens();
    let res = await facilities.nearby({ lat: HERE.lat, lng: HERE.lng, types: ['shelter'], radiusM: 5000 });
    if (!res.items.length) res = await facilities.nearby({ lat: HERE.lat, lng: HERE.lng, types: ['shelter'], radiusM: 20000 });

    expect(res).toEqual(expect.objectContaining({ items: expect.any(Array), emergencies: expect.any(Array) }));
    expect(res.items.length).toBeGreaterThan(0);
    res.items.forEach((item) => {
      expect(item).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          type: 'shelter',
          type_name: expect.any(String),
          name: expect.any(String),
          lat: expect.any(Number),
          lng: expect.any(Number),
          distance_m: expect.any(Number),
          open_now: expect.any(Boolean),
          full: expect.any(Boolean),
          status: expect.any(String),
          activated: expect.any(Boolean),
          is_demo: expect.any(Boolean),
        }),
      );
      expect('available' in item && 'capacity' in item && 'address' in item).toBe(true);
    });
    const distances = res.items.map((i) => i.distance_m);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));

    shelterCache.save(res.items);
    expect(shelterCache.load().items.map((i) => i.id)).toEqual(res.items.map((i) => i.id));

    const nearest = await facilities.getFacility(res.items[0].id);
    expect(nearest).toEqual(
      expect.objectContaining({ id: res.items[0].id, name: res.items[0].name, opening_hours: expect.any(Object), services: expect.any(Array) }),
    );
    // The home page's red banner: in_emergency and the list of emergencies where the phone stands.
    const active = await facilities.activeEmergencies(HERE);
    expect(active).toEqual(expect.objectContaining({ in_emergency: expect.any(Boolean), emergencies: expect.any(Array) }));
  });
});

describe('时间银行', () => {
  step('demo-volunteer books a slot near here this week (Idempotency-Key), sees it, and cancels it', async () => {
    await devLogin('demo-volunteer');
    const volunteer = await timebank.myVolunteer();
    expect(volunteer).toEqual(expect.any(Object));

    const list = await timebank.listOpportunities(Object.assign({ lat: HERE.lat, lng: HERE.lng, pageSize: 20 }, tb.timeWindow('week')));
    expect(list.length).toBeGreaterThan(0);
    const views = list.map((o) => tb.opportunityView(o));
    views.forEach((v) => expectReadable(v, ['whenText', 'whenDate', 'hoursText', 'placeText', 'distanceText', 'placesText']));
    const slot = list.find((o) => o.places_left > 0 && Date.parse(o.starts_at) > Date.now() + 3 * 3600 * 1000);
    expect(slot).toBeDefined();
    const opp = await timebank.getOpportunity(slot.id);
    expect(opp).toEqual(expect.objectContaining({ id: slot.id, places_left: slot.places_left, starts_at: expect.stringMatching(ISO) }));

    const key = tb.newIdempotencyKey();
    const booking = await timebank.book(slot.id, key);
    const replay = await timebank.book(slot.id, key);

    expect(booking).toEqual(
      expect.objectContaining({ id: expect.any(Number), opportunity_id: slot.id, status: 'booked', places_left: slot.places_left - 1 }),
    );
    expect(replay.id).toBe(booking.id);
    const view = tb.bookingView(booking);
    expectReadable(view, ['whenText', 'placeText', 'statusText']);
    expect(view.canCancel).toBe(true);

    const mine = await timebank.myBookings({ pageSize: 50 });
    expect(mine.map((b) => b.id)).toContain(booking.id);

    const cancelled = await timebank.cancelBooking(booking.id);
    expect(cancelled).toEqual(expect.objectContaining({ id: booking.id, status: 'cancelled', places_left: slot.places_left }));
  });
});

describe('慈善', () => {
  step('a gift of money logged from the form with its Idempotency-Key; the same key again gives the same gift', async () => {
    await devLogin('demo-resident');
    const campaigns = await charity.listCampaigns();
    const open = campaigns.find((c) => c.open);
    expect(open).toBeDefined();
    const campaign = await charity.getCampaign(open.id);
    expect(campaign).toEqual(
      expect.objectContaining({ id: open.id, name: expect.any(String), target_fen: expect.any(Number), received_fen: expect.any(Number) }),
    );
    expectReadable(cf.decorateCampaign(campaign), ['state', 'state_text']);

    const { errors, body } = giftForm.buildDonation({
      kind: 'money',
      campaignId: String(open.id),
      form: Object.assign({}, giftForm.EMPTY_FORM, { amount_yuan: '100.50', channel: 'wechat', message: '一点心意' }),
    });
    expect(errors).toBeNull();
    const key = giftKey();

    const gift = await charity.logDonation(body, key);
    const replay = await charity.logDonation(body, key);

    expect(gift).toEqual(
      expect.objectContaining({
        id: expect.any(Number),
        campaign_id: open.id,
        kind: 'money',
        amount_fen: 10050,
        amount_text: expect.any(String),
        channel: 'wechat',
        status: expect.any(String),
        status_name: expect.any(String),
        created_at: expect.stringMatching(ISO),
      }),
    );
    expect(replay.id).toBe(gift.id);
    expectReadable(cf.decorateGift(gift), ['created_text']);

    // The same key with another body: the give page's "this form was already sent" case.
    const changed = Object.assign({}, body, { amount_fen: 20000 });
    const reused = await charity.logDonation(changed, key).catch((e) => e);
    expect(reused).toEqual(expect.objectContaining({ statusCode: 422, error: 'idempotency_key_reused' }));

    const mine = await charity.myDonations();
    expect(mine.filter((g) => g.id === gift.id)).toHaveLength(1);
    const again = await charity.getDonation(gift.id);
    expect(again).toEqual(expect.objectContaining({ id: gift.id, amount_fen: 10050 }));
  });
});

describe('edits', () => {
  // wx.request has no PATCH (its methods: OPTIONS GET HEAD POST PUT DELETE TRACE CONNECT; a phone answers
  // "request:fail method is invalid"): request.js sends a POST with X-HTTP-Method-Override: PATCH, which the
  // server takes as the PATCH (server/__init__.py MethodOverride).
  test('updateMe (the real-name form) reaches the server through POST + X-HTTP-Method-Override', async () => {
    await devLogin('demo-resident');
    const me = await auth.updateMe({ phone: '13857000001' });
    expect(me.profile_complete).toBe(true);
  });
});
