#!/usr/bin/env node
// make screens: a picture of every main screen of the mini-program, normal and 关怀模式, without WeChat DevTools.
//
// Each screen below is a page, the canned API answers it gets (衢州 demo data), the storage it starts with (a
// login token, careMode) and how it is opened. In ONE node process every page is rendered through
// miniprogram-simulate exactly as the jest tests render it (a jsdom global, a fake `wx` answering wx.request
// from the canned data, load → render → attach → onLoad/onShow), then written as plain HTML (WXSS tag selectors
// rewritten to the wx-* elements simulate makes, rpx turned into px for a 375 px wide phone, a navigation bar
// and tab bar drawn around it), photographed by headless Chromium (/usr/bin/chromium --headless --screenshot)
// and cut to 256 colours. The PNGs go to docs/miniapp/<name>.png and <name>-care.png; the HTML stays in a
// temporary folder that is removed at the end. A full run into docs/miniapp/ also rewrites the gallery table
// of docs/miniapp.md (between <!-- screens:start --> and <!-- screens:end -->) from the list below.
//
//   node scripts/screens.js [--out DIR] [--keep-html] [name ...]    (default: every screen, into ../docs/miniapp)
//
// Time is frozen at NOW (Asia/Shanghai) so that the pictures only change when the pages do. A screen that still
// says 正在加载 / 暂时无法 after it settled, or a request the screen has no answer for, is reported and the run
// fails: a picture of a spinner helps nobody. Built-in components are drawn roughly (the map is a box with pins):
// the pictures show layout, words, sizes and colours, not WeChat's exact pixels.
'use strict';

process.env.TZ = 'Asia/Shanghai';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..'); // miniapp/
const DEFAULT_OUT = path.resolve(ROOT, '../docs/miniapp');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WIDTH = 375; // CSS px; device scale factor 1 keeps the PNGs small
const HEIGHT = 812;
const MAX_HEIGHT = 1400;
const NAV_HEIGHT = 44;
const TAB_HEIGHT = 50;
const BASE = /^https?:\/\/[^/]+\/api\/v1/;

// ---------------------------------------------------------------------------------------------------------------
// Frozen time: Monday 30 November 2026, 10:30 in 衢州.

const NOW = Date.parse('2026-11-30T10:30:00+08:00');
const RealDate = Date;
class FrozenDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(NOW);
    else super(...args);
  }

  static now() {
    return NOW;
  }
}
global.Date = FrozenDate;

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
/** An instant as the server sends it (UTC, "+00:00"), `days` from today at `clock` in 衢州. */
function at(days, clock = '10:30') {
  const [h, m] = clock.split(':').map(Number);
  const midnight = Date.parse('2026-11-30T00:00:00+08:00');
  return new RealDate(midnight + days * DAY + (h * 60 + m) * 60000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
/** A date as the server sends it ('YYYY-MM-DD', China), `days` from today. */
function day(days) {
  return at(days, '12:00').slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------------
// Demo data: 衢州 (柯城区 330802, 衢江区 330803), as the API answers (server/schemas/*). Names come masked the
// way the server masks them (surname kept: 王**), ID and phone numbers too.
//
// Most of it is the jest tests' own answers (test/fixtures/*.js: plain node modules, no jest in them, shaped like a
// demo-seeded server's), taken as they are or with a few overrides where a picture needs more: a real place by
// HERE instead of a seed one tagged 演示数据, a city-wide campaign's numbers, last year's campaign instead of the
// seed's 2013 one, and times before NOW (some fixtures carry fixed timestamps later that day). What no fixture
// holds is written out here: the region tree, the users, 时间银行.

const facilities = require('../test/fixtures/facilities');
const assistance = require('../test/fixtures/assistance');
const charity = require('../test/fixtures/charity');
const workbench = require('../test/fixtures/worker');

const TOKENS = { tokens: { access_token: 'demo-access', refresh_token: 'demo-refresh' } };
const HERE = { latitude: 28.9695, longitude: 118.8712 }; // 府山街道坊门街社区

/** 坊门街社区's home-care centre, a real place rather than the fixture's demo one (its tag would say 演示数据). */
function facility(overrides) {
  return facilities.facility(
    Object.assign(
      {
        name: '坊门街社区居家养老服务照料中心',
        region_code: '330802001001',
        address: '柯城区府山街道坊门街社区服务中心一楼',
        lat: 28.9702,
        lng: 118.8726,
        phone: '0570-3021846',
        services: ['meals', 'day_care', 'rehabilitation', 'bathing'],
        service_names: ['助餐', '日托', '康复', '助浴'],
        description: '为辖区老人提供日间照料、老年食堂助餐和康复理疗，每周二上午有社区医生坐诊。',
        is_demo: false,
      },
      overrides,
    ),
  );
}

/** The fixture's shelter of 县学街社区 (台风, 洪涝), not marked as demo data. */
function shelter(overrides) {
  return facilities.shelter(Object.assign({ is_demo: false }, overrides));
}

const NEARBY = [
  facility({ distance_m: 160 }),
  shelter({ distance_m: 420 }),
  // 柯城区社会福利中心, full, as the fixture's answer around 坊门街社区 has it; placed where it stands.
  Object.assign(facilities.nearbyAnswer().items[2], { lat: 28.9611, lng: 118.8822, phone: '0570-3087120', distance_m: 1380 }),
  shelter({
    id: 812,
    name: '衢江区樟潭街道避灾安置中心',
    region_code: '330803002',
    address: '衢江区樟潭街道樟树潭村文化礼堂',
    lat: 28.9532,
    lng: 118.8995,
    phone: '0570-3856012',
    capacity: 300,
    available: 300,
    shelter_level: 'township',
    contact_name: '徐**',
    contact_phone: '139****2751',
    distance_m: 3260,
  }),
];

const TYPHOON = workbench.emergency({ name: '2026年第5号台风“梅花”' });

const PROGRAMS = assistance.programs();
const COUNTIES = assistance.counties();

// The region tree the pickers walk (server/seed.py): 浙江省 › 衢州市 › counties › 柯城区's townships › 府山街道's communities.
const regionRow = (code, name, level, parent, urban = true) => ({ code, name, level, parent_code: parent, is_urban: urban });
const REGION_TREE = {
  top: [regionRow('33', '浙江省', 'province', null)],
  33: [regionRow('330800', '衢州市', 'city', '33')],
  330800: COUNTIES,
  330802: [
    ['001', '府山街道', true],
    ['002', '信安街道', true],
    ['003', '荷花街道', true],
    ['004', '花园街道', true],
    ['005', '石梁镇', false],
    ['006', '九华乡', false],
  ].map(([n, name, urban]) => regionRow(`330802${n}`, name, 'township', '330802', urban)),
  330802001: ['坊门街社区', '县学街社区', '天王塔社区'].map((name, i) => regionRow(`33080200100${i + 1}`, name, 'community', '330802001')),
};
const regionsAnswer = (req) => REGION_TREE[(req.data && req.data.parent) || 'top'] || [];

const RESIDENT = {
  id: 21,
  real_name: '王**',
  id_number: '330802********0012',
  phone: '138****6215',
  region_code: '330802001001',
  roles: ['resident', 'volunteer'],
  worker_level: null,
  worker_region_code: null,
  profile_complete: true,
};

// Logged in for the first time: nothing of the real name yet.
const NEWCOMER = Object.assign({}, RESIDENT, {
  id: 37,
  real_name: null,
  id_number: null,
  phone: null,
  region_code: null,
  roles: ['resident'],
  profile_complete: false,
});

const WORKER = workbench.me({ worker_level: 'township', worker_region_code: '330802001' });

/** 王**'s 低保 application (the fixture's, 坊门街社区), accepted and waiting for the home visit. */
function application(overrides) {
  return assistance.application(
    Object.assign(
      {
        number: 'DB-330802-2026-000013',
        status: 'accepted',
        status_name: '已受理，待入户调查',
        version: 5,
        submitted_at: at(-6, '09:12'),
        dibao_standard_fen: 48000,
        due_on: day(13),
        allowed_actions: ['withdraw'],
        created_at: at(-7, '20:05'),
        updated_at: at(-1, '09:15'),
      },
      overrides,
    ),
  );
}

// Sent back once for two documents, then accepted (the course of the fixture's acceptedDetail, before NOW).
const attached = (id, kind, filename, size, createdAt) =>
  assistance.attachment({ id, kind, filename, content_type: /\.pdf$/.test(filename) ? 'application/pdf' : 'image/jpeg', size, created_at: createdAt });
const MY_APPLICATION = application({
  attachments: [
    attached('a1', '申请人身份证', '身份证.jpg', 312000, at(-7, '20:20')),
    attached('a2', '户口簿', '户口簿.jpg', 286000, at(-7, '20:22')),
    attached('a3', '家庭财产情况说明', '财产说明.pdf', 98000, at(-3, '15:40')),
    attached('a4', '银行账户信息', '银行卡.jpg', 201000, at(-3, '15:42')),
  ],
  events: [
    assistance.event(1, 'create', null, 'draft', { actor_id: 21, created_at: at(-7, '20:05') }),
    assistance.event(2, 'submit', 'draft', 'submitted', { actor_id: 21, created_at: at(-6, '09:12') }),
    assistance.event(3, 'return', 'submitted', 'returned', {
      actor_id: 7,
      comment: '请补充后重新提交',
      data: { missing: ['家庭财产情况说明', '银行账户信息'] },
      created_at: at(-4, '14:30'),
    }),
    assistance.event(4, 'submit', 'returned', 'submitted', { actor_id: 21, created_at: at(-3, '15:45') }),
    assistance.event(5, 'accept', 'submitted', 'accepted', { actor_id: 7, created_at: at(-1, '09:15') }),
  ],
});

// 低保 for two elders with 300 yuan a month (the fixture's answer), who own their home (as the form says), with
// the estimate the server adds.
const ELIGIBLE = assistance.eligible();
ELIGIBLE.reasons[3].message = '家庭有住房 1 套，符合规定。';
ELIGIBLE.reasons.push({ test: 'amount_estimate', passed: true, message: '每月救助金额按（低保标准 480.00 元 − 人均收入 150.00 元）× 2 人估算，共 660.00 元。' });

// 时间银行
const ACCOUNT = {
  balance_minutes: 7530,
  held_minutes: 120,
  earned_minutes: 8310,
  spent_minutes: 300,
  received_minutes: 0,
  given_minutes: 480,
  to_fund_minutes: 0,
  star_level: 1,
  next_star_hours: 300,
  entries_total: 42,
  entries: [
    { id: 58, kind: 'service', minutes: 120, ref_type: 'service_log', ref_id: 31, reason: '陪老人聊天、读报', created_at: at(-1, '17:20') },
    { id: 57, kind: 'redemption', minutes: -120, ref_type: 'redemption', ref_id: 4, reason: '助洁（母亲家）', created_at: at(-2, '09:05') },
    { id: 55, kind: 'transfer_out', minutes: -480, ref_type: 'transfer', ref_id: 2, reason: '父母', created_at: at(-5, '20:11') },
    { id: 54, kind: 'service', minutes: 180, ref_type: 'service_log', ref_id: 27, reason: '助餐送餐', created_at: at(-6, '13:40') },
    { id: 51, kind: 'service', minutes: 90, ref_type: 'service_log', ref_id: 25, reason: '智能手机教学', created_at: at(-9, '16:10') },
  ],
  certificate: {
    name: '王**',
    verified_minutes: 8310,
    services: 67,
    first_served_on: '2024-03-02',
    last_served_on: day(-1),
    star_level: 1,
    by_year: [
      { year: 2024, minutes: 3480 },
      { year: 2025, minutes: 2910 },
      { year: 2026, minutes: 1920 },
    ],
  },
};

const VOLUNTEER = {
  user_id: 21,
  real_name: '王**',
  skills: ['companionship', 'meal_help', 'digital_help'],
  skill_names: ['陪伴聊天', '助餐送餐', '智能手机教学'],
  team: '义工之家',
  region_code: '330802001001',
  registered_at: '2024-02-26T02:10:00+00:00',
};

function opportunity(overrides) {
  return Object.assign(
    {
      id: 1,
      title: '陪老人聊天、读报',
      facility_id: 101,
      facility_name: '坊门街社区居家养老服务照料中心',
      region_code: '330802001001',
      starts_at: at(0, '14:00'),
      ends_at: at(0, '16:00'),
      minutes: 120,
      places: 5,
      places_left: 2,
      skills: ['companionship'],
      skill_names: ['陪伴聊天'],
      description: '下午陪照料中心的老人聊天、读报。',
      lat: 28.9702,
      lng: 118.8726,
      status: 'open',
      cancel_reason: null,
      distance_m: 160,
    },
    overrides,
  );
}

const OPPORTUNITIES = [
  opportunity(),
  opportunity({
    id: 2,
    title: '老年食堂助餐送餐',
    starts_at: at(1, '10:30'),
    ends_at: at(1, '12:30'),
    places: 4,
    places_left: 1,
    skills: ['meal_help'],
    skill_names: ['助餐送餐'],
    distance_m: 160,
  }),
  opportunity({
    id: 3,
    title: '教老人用智能手机',
    facility_id: 140,
    facility_name: '府山街道社区服务中心',
    region_code: '330802001',
    starts_at: at(2, '09:00'),
    ends_at: at(2, '11:00'),
    places: 6,
    places_left: 0,
    skills: ['digital_help'],
    skill_names: ['智能手机教学'],
    distance_m: 870,
  }),
  opportunity({
    id: 4,
    title: '福利中心文体活动',
    facility_id: 205,
    facility_name: '柯城区社会福利中心',
    region_code: '330802004',
    starts_at: at(3, '14:30'),
    ends_at: at(3, '16:30'),
    places: 8,
    places_left: 5,
    skills: ['cultural'],
    skill_names: ['文体活动'],
    distance_m: 1380,
  }),
];

const BOOKINGS = [
  {
    id: 71,
    opportunity_id: 1,
    title: '陪老人聊天、读报',
    facility_name: '坊门街社区居家养老服务照料中心',
    region_code: '330802001001',
    starts_at: at(0, '09:00'),
    ends_at: at(0, '11:00'),
    status: 'checked_in',
    checked_in_at: at(0, '08:52'),
    checked_out_at: null,
    cancelled_at: null,
  },
  {
    id: 72,
    opportunity_id: 2,
    title: '老年食堂助餐送餐',
    facility_name: '坊门街社区居家养老服务照料中心',
    region_code: '330802001001',
    starts_at: at(1, '10:30'),
    ends_at: at(1, '12:30'),
    status: 'booked',
    checked_in_at: null,
    checked_out_at: null,
    cancelled_at: null,
  },
  {
    id: 65,
    opportunity_id: 9,
    title: '助餐送餐',
    facility_name: '坊门街社区居家养老服务照料中心',
    region_code: '330802001001',
    starts_at: at(-6, '10:30'),
    ends_at: at(-6, '13:30'),
    status: 'completed',
    checked_in_at: at(-6, '10:24'),
    checked_out_at: at(-6, '13:35'),
    cancelled_at: null,
  },
];

// 慈善
/** The fixture's 2026年慈善一日捐 with the numbers of a city-wide campaign in November (the seed's are a handful). */
function campaign(overrides) {
  return charity.campaign(
    Object.assign(
      {
        received_fen: 612345600,
        goods_received_fen: 13200000,
        pledged_fen: 2105000,
        donors: 3128,
        disbursed_fen: 218000000,
        goods_distributed_fen: 6100000,
        balance_fen: 394345600,
        goods_balance_fen: 7100000,
        progress_percent: 62.6,
      },
      overrides,
    ),
  );
}

/** The seed's 2013 campaign and its report (fixtures) as last year's, without the fixture's （演示） marks. */
const lastYear = (value) => JSON.parse(JSON.stringify(value).replace(/2013(?=[-年])/g, '2025').replace(/（演示）/g, ''));

const CAMPAIGNS = [
  campaign(),
  campaign({
    id: 3,
    name: '柯城区抗台救灾专项募捐',
    purpose: '为台风“梅花”受灾群众购置食品、饮用水和被褥，帮助受损房屋修缮。',
    region_code: '330802',
    region_name: '柯城区',
    starts_on: '2026-11-29',
    ends_on: '2026-12-31',
    target_fen: 50000000,
    purposes: ['disaster'],
    purpose_names: ['救灾'],
    received_fen: 8650000,
    goods_received_fen: 2300000,
    pledged_fen: 450000,
    donors: 214,
    disbursed_fen: 0,
    goods_distributed_fen: 0,
    balance_fen: 8650000,
    goods_balance_fen: 2300000,
    progress_percent: 21.9,
  }),
  lastYear(charity.campaign2013({ donors: 4267 })),
];

// 王秀英's gift to the 慈善一日捐 through her work unit, confirmed yesterday, and its receipt (the fixtures').
const RECEIPT_NUMBER = 'CS-2026-003128';
const UNIT = { unit_name: '衢州市柯城区府山街道办事处', department: '社会事务办' };
const GIFT = charity.confirmedGift(Object.assign({ receipt_number: RECEIPT_NUMBER, confirmed_at: at(-1, '15:20'), created_at: at(-3, '19:42') }, UNIT));
const RECEIPT = charity.receipt({ receipt_number: RECEIPT_NUMBER, unit_name: UNIT.unit_name, date: day(-1) });

const REPORT = Object.assign(lastYear(charity.report()), { campaign: CAMPAIGNS[2] });

// 工作台: the fixtures' township worker 周**, the applications of 府山街道 waiting for them, the gifts to confirm.
function queued(overrides) {
  return workbench.application(Object.assign({ number: 'DB-330802-2026-000002', due_on: day(3) }, overrides));
}

const QUEUE = [
  queued({
    id: 7,
    number: 'LS-330802-2026-000007',
    program: 'temporary',
    status: 'accepted',
    status_name: '已受理，待入户调查',
    applicant_name: '徐**',
    emergency: true,
    due_on: day(-2),
    overdue: true,
    allowed_actions: ['investigate', 'pay_first'],
  }),
  queued(),
  queued({
    id: 9,
    number: 'DB-330802-2026-000009',
    status: 'investigated',
    status_name: '已调查，待审核',
    applicant_name: '毛**',
    due_on: day(8),
    allowed_actions: ['review'],
  }),
  queued({
    id: 11,
    number: 'TK-330802-2026-000011',
    program: 'tekun',
    applicant_name: '郑**',
    near_relative: true,
    flagged: true,
    due_on: day(12),
    allowed_actions: [],
  }),
];

// The second of them as its detail (the fixture's: created and submitted for 刘** by a worker), with the household
// and the documents.
const WORKER_APPLICATION = Object.assign(workbench.detail(), QUEUE[1], {
  members: [
    { relation: 'self', age: 70, monthly_income_fen: 15000, disability_grade: null, student: false },
    { relation: 'spouse', age: 67, monthly_income_fen: 5000, disability_grade: 3, student: false },
  ],
  assets: { financial_fen: 200000, vehicles: 0, properties: 1 },
  reason: '老伴三级残疾需要长期服药，两人靠少量养老金生活。',
  attachments: [
    attached('b1', '申请人身份证', '身份证.jpg', 286000, workbench.iso(-4)),
    attached('b2', '户口簿', '户口簿.jpg', 301000, workbench.iso(-4)),
    attached('b3', '家庭成员收入证明', '收入证明.pdf', 204800, workbench.iso(-4)),
  ],
});

const PLEDGED = [
  charity.gift({ id: 452, donor_name: '李建国', amount_fen: 50000, amount_text: '500.00 元', channel: 'bank', message: null, created_at: at(0, '08:41') }),
  charity.gift(Object.assign({ id: 449, amount_fen: 20000, amount_text: '200.00 元', message: '祝孩子们学业进步', created_at: at(-1, '19:42') }, UNIT)),
  charity.gift({
    id: 447,
    campaign_id: 3,
    kind: 'goods',
    donor_name: '衢州市某超市',
    amount_fen: 360000,
    amount_text: '3600.00 元',
    description: '矿泉水',
    quantity: 120,
    unit: '箱',
    channel: null,
    message: '抗台一线辛苦了',
    created_at: at(-1, '16:05'),
  }),
];

// The fixture's shelter of 坊门街社区, open in the typhoon, 40 people in it, and their last report.
const SHELTER_496 = workbench.shelter();
const OCCUPANCY_REPORTS = [workbench.occupancyRecord({ id: 9 })];

// ---------------------------------------------------------------------------------------------------------------
// The screens. api: {"METHOD /path" or "/path": answer}, the path after /api/v1 without the query string; an
// answer is the response body, a function (req) → body, or OFFLINE (the request fails as with no network).
// storage: what wx storage holds at the start (TOKENS: logged in; the 关怀模式 picture adds careMode: true).
// network: what wx.getNetworkType answers (default wifi). options: what onLoad gets. after(page): what a person
// does next (fill a form, tap a button). title: the caption in docs/miniapp.md. height: CSS px of the picture
// (default 812, at most 1400); a page that calls wx.pageScrollTo({selector}) is shown scrolled there.

const OFFLINE = { offline: true };

const SCREENS = [
  {
    name: 'home',
    title: '首页',
    page: 'pages/home/index',
    api: { '/emergencies/active': { in_emergency: false, emergencies: [] } },
  },
  {
    name: 'home-emergency',
    title: '首页：台风应急时的红色提示',
    page: 'pages/home/index',
    api: { '/emergencies/active': { in_emergency: true, emergencies: [TYPHOON] } },
  },
  {
    name: 'me',
    title: '我的（已登录）',
    page: 'pages/me/index',
    storage: TOKENS,
    api: { '/me': RESIDENT },
  },
  {
    name: 'profile',
    title: '实名信息：填写姓名、身份证号码，逐级选择所在社区',
    page: 'packageMe/pages/profile/index',
    storage: TOKENS,
    height: 1400,
    api: { '/me': NEWCOMER, '/regions': regionsAnswer },
    async after(page) {
      page.setData({ form: { real_name: '赵建国', id_number: '330881195001010018', phone: '13957001234' } });
      // 柯城区 › 府山街道 tapped in the picker: the communities of the street are offered.
      const picker = page.selectComponent('.regions');
      await picker.onRegionTap({ currentTarget: { dataset: { code: '330802' } } });
      await picker.onRegionTap({ currentTarget: { dataset: { code: '330802001' } } });
    },
  },
  {
    name: 'services',
    title: '找服务：附近的场所，由近到远',
    page: 'pages/services/index',
    height: 1200,
    api: { '/facilities/nearby': { items: NEARBY, emergencies: [], lat: HERE.latitude, lng: HERE.longitude } },
  },
  {
    name: 'services-offline',
    title: '找服务：没有网络时的离线避灾点',
    page: 'pages/services/index',
    network: 'none',
    storage: { nearbyShelters: { fetched_at: Date.parse('2026-11-30T07:45:00+08:00'), items: [NEARBY[1], NEARBY[3]] } },
    api: { '/facilities/nearby': OFFLINE },
  },
  {
    name: 'facility',
    title: '服务场所详情',
    page: 'pages/facility/index',
    options: { id: '101' },
    height: 1300,
    api: { '/facilities/101': facility() },
  },
  {
    name: 'programs',
    title: '救助申请：救助项目',
    page: 'packageAssistance/pages/programs/index',
    height: 1200,
    api: { '/assistance/programs': PROGRAMS },
  },
  {
    name: 'check',
    title: '自测：能不能申请（结果）',
    page: 'packageAssistance/pages/check/index',
    options: { program: 'dibao' },
    height: 1300,
    api: { '/assistance/programs': PROGRAMS, '/regions': COUNTIES, 'POST /assistance/eligibility': ELIGIBLE },
    async after(page) {
      page.setData({
        regionCode: '330802',
        isUrban: true,
        form: Object.assign({}, page.data.form, {
          members: [
            { relation: 'self', age: '70', income: '200', disability: 0, student: false },
            { relation: 'spouse', age: '68', income: '100', disability: 2, student: false },
          ],
          financial: '1000',
          vehicles: '0',
          properties: '1',
        }),
        memberErrors: [{}, {}],
      });
      await page.check();
    },
  },
  {
    name: 'apply',
    title: '申请表：第 1 步 家庭成员',
    page: 'packageAssistance/pages/apply/index',
    options: { program: 'dibao' },
    storage: TOKENS,
    height: 1200,
    api: { '/assistance/programs': PROGRAMS },
    after(page) {
      page.setData({
        'form.members': [
          { relation: 'self', age: '70', income: '', disability: 0, student: false },
          { relation: 'spouse', age: '68', income: '', disability: 2, student: false },
        ],
        memberErrors: [{}, {}],
      });
    },
  },
  {
    name: 'application',
    title: '我的申请：办理进度',
    page: 'packageAssistance/pages/application/index',
    options: { id: '13' },
    storage: TOKENS,
    height: 1400,
    api: { '/assistance/applications/13': MY_APPLICATION },
  },
  {
    name: 'timebank',
    title: '时间银行',
    page: 'packageTimebank/pages/index/index',
    storage: TOKENS,
    height: 1100,
    api: {
      '/timebank/volunteers/me': VOLUNTEER,
      '/timebank/account': ACCOUNT,
      '/timebank/service-logs': [],
    },
  },
  {
    name: 'timebank-account',
    title: '时间银行：我的时间',
    page: 'packageTimebank/pages/account/index',
    storage: TOKENS,
    height: 1200,
    api: { '/timebank/account': ACCOUNT },
  },
  {
    name: 'opportunities',
    title: '时间银行：找志愿服务',
    page: 'packageTimebank/pages/opportunities/index',
    storage: TOKENS,
    height: 1000,
    api: { '/timebank/opportunities': OPPORTUNITIES },
  },
  {
    name: 'bookings',
    title: '时间银行：我的预约（签到、签退）',
    page: 'packageTimebank/pages/bookings/index',
    storage: TOKENS,
    height: 1000,
    api: { '/timebank/bookings': BOOKINGS },
  },
  {
    name: 'campaigns',
    title: '慈善捐赠：募捐活动和进度',
    page: 'packageCharity/pages/campaigns/index',
    height: 1000,
    api: { '/charity/campaigns': CAMPAIGNS },
  },
  {
    name: 'give',
    title: '慈善捐赠：登记捐赠',
    page: 'packageCharity/pages/give/index',
    options: { campaign_id: '2' },
    storage: TOKENS,
    height: 1100,
    api: { '/charity/campaigns/2': CAMPAIGNS[0] },
    after(page) {
      page.setData({ 'form.amount_yuan': '200', 'form.channel': 'wechat' });
    },
  },
  {
    name: 'gift',
    title: '慈善捐赠：捐赠收据',
    page: 'packageCharity/pages/gift/index',
    options: { id: '441' },
    storage: TOKENS,
    height: 1200,
    api: { '/charity/donations/441': GIFT, '/charity/donations/441/receipt': RECEIPT },
  },
  {
    name: 'ledger',
    title: '阳光民政：公开账目',
    page: 'packageCharity/pages/ledger/index',
    options: { id: '1' },
    height: 1400,
    api: { '/public/charity/campaigns/1/report': REPORT },
  },
  {
    name: 'worker',
    title: '工作台：待办',
    page: 'packageWorker/pages/index/index',
    storage: TOKENS,
    height: 1200,
    api: {
      '/emergencies': [TYPHOON],
      '/me': WORKER,
      '/assistance/applications': QUEUE,
      '/timebank/service-logs': [{ id: 11 }, { id: 12 }, { id: 14 }],
      '/charity/donations': (req) => (req.data && req.data.status === 'received' ? [] : PLEDGED),
    },
  },
  {
    name: 'worker-queue',
    title: '工作台：救助审核待办',
    page: 'packageWorker/pages/queue/index',
    storage: TOKENS,
    height: 1100,
    api: { '/emergencies': [TYPHOON], '/assistance/applications': QUEUE },
  },
  {
    name: 'worker-application',
    title: '工作台：审核一份申请',
    page: 'packageWorker/pages/application/index',
    options: { id: '2' },
    storage: TOKENS,
    height: 1100,
    api: {
      '/emergencies': [TYPHOON],
      '/assistance/applications/2': WORKER_APPLICATION,
      '/assistance/programs': PROGRAMS,
    },
  },
  {
    name: 'worker-gifts',
    title: '工作台：确认捐赠',
    page: 'packageWorker/pages/gifts/index',
    storage: TOKENS,
    height: 1100,
    api: { '/emergencies': [TYPHOON], '/charity/donations': PLEDGED, '/charity/campaigns': CAMPAIGNS },
  },
  {
    name: 'worker-occupancy',
    title: '工作台：更新避灾点人数',
    page: 'packageWorker/pages/occupancy/index',
    options: { id: '496' },
    storage: TOKENS,
    height: 1300,
    api: {
      '/emergencies': [TYPHOON],
      '/facilities/496': SHELTER_496,
      '/facilities/496/occupancy': OCCUPANCY_REPORTS,
    },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// A browser-like global, as jest's jsdom environment gives, and a `wx` that answers like WeChat's.

const need = (m) => require(require.resolve(m, { paths: [ROOT] }));
const { JSDOM } = need('jsdom');
const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true });
for (const k of Object.getOwnPropertyNames(dom.window)) {
  if (!(k in global)) {
    try {
      global[k] = dom.window[k];
    } catch (e) {
      // read-only
    }
  }
}
const { document } = dom.window;
global.window = dom.window;
global.document = document;

const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const later = (fn) => setTimeout(fn, 0);
const noop = () => {};

/** What the current screen gets: its answers, its storage, and what went wrong. */
const state = { screen: null, storage: {}, network: 'wifi', problems: [], scrollTo: null, title: '' };

function answerFor(req) {
  const api = state.screen.api || {};
  const key = [`${req.method} ${req.path}`, req.path].find((k) => Object.prototype.hasOwnProperty.call(api, k));
  if (!key) {
    state.problems.push(`no answer for ${req.method} ${req.path}`);
    return { statusCode: 404, data: { code: 404, message: '没有找到您要的内容', error: 'not_found' } };
  }
  const value = typeof api[key] === 'function' ? api[key](req) : api[key];
  if (value === OFFLINE) return { offline: true };
  return { statusCode: 200, data: clone(value) };
}

global.wx = {
  request(o) {
    const method = o.header && o.header['X-HTTP-Method-Override'] ? o.header['X-HTTP-Method-Override'] : o.method || 'GET';
    const req = { method, path: String(o.url).replace(BASE, '').replace(/\?.*$/, ''), data: clone(o.data) };
    later(() => {
      const answer = answerFor(req);
      if (answer.offline) {
        if (o.fail) o.fail({ errMsg: 'request:fail -101:net::ERR_INTERNET_DISCONNECTED' });
        return;
      }
      const res = Object.assign({ header: { 'Content-Type': 'application/json' }, errMsg: 'request:ok' }, answer);
      if (o.success) o.success(res);
      if (o.complete) o.complete(res);
    });
    return { abort: noop };
  },
  downloadFile: (o) => later(() => o.fail && o.fail({ errMsg: 'downloadFile:fail not in pictures' })),
  uploadFile: (o) => later(() => o.fail && o.fail({ errMsg: 'uploadFile:fail not in pictures' })),
  getStorageSync: (k) => (Object.prototype.hasOwnProperty.call(state.storage, k) ? clone(state.storage[k]) : ''),
  setStorageSync: (k, v) => {
    state.storage[k] = clone(v);
  },
  removeStorageSync: (k) => {
    delete state.storage[k];
  },
  clearStorageSync: () => {
    state.storage = {};
  },
  getAppBaseInfo: () => ({ SDKVersion: '3.4.0', fontSizeSetting: 16, language: 'zh_CN', theme: 'light' }),
  getSystemInfoSync: () => ({ windowWidth: WIDTH, windowHeight: HEIGHT, pixelRatio: 2, fontSizeSetting: 16 }),
  getWindowInfo: () => ({ windowWidth: WIDTH, windowHeight: HEIGHT, pixelRatio: 2 }),
  getNetworkType: (o) => later(() => o.success && o.success({ networkType: state.network })),
  onNetworkStatusChange: noop,
  getSetting: (o) => later(() => o.success && o.success({ authSetting: { 'scope.userLocation': true } })),
  openSetting: (o) => later(() => o.success && o.success({ authSetting: { 'scope.userLocation': true } })),
  getLocation: (o) => later(() => o.success && o.success(Object.assign({ accuracy: 30, errMsg: 'getLocation:ok' }, HERE))),
  login: (o) => later(() => o.success && o.success({ code: 'screens' })),
  onNeedPrivacyAuthorization: noop,
  getPrivacySetting: (o) => later(() => o && o.success && o.success({ needAuthorization: false, privacyContractName: '《衢州民政小程序隐私保护指引》' })),
  openPrivacyContract: (o) => later(() => o && o.success && o.success({})),
  requestSubscribeMessage: (o) => later(() => o && o.success && o.success({})),
  showToast: noop,
  showLoading: noop,
  hideLoading: noop,
  showModal: noop, // nobody answers: nothing a modal would start happens in a picture
  navigateTo: noop,
  redirectTo: noop,
  switchTab: noop,
  navigateBack: noop,
  reLaunch: noop,
  makePhoneCall: noop,
  openLocation: noop,
  openDocument: noop,
  previewImage: noop,
  chooseMedia: noop,
  chooseMessageFile: noop,
  pageScrollTo: (o) => {
    if (o && o.selector) state.scrollTo = String(o.selector).replace(/^\./, '');
  },
  setNavigationBarTitle: (o) => {
    if (o && o.title) state.title = o.title;
  },
  createSelectorQuery: () => ({ select: () => ({ boundingClientRect: () => ({ exec: noop }) }), exec: noop }),
  nextTick: (fn) => later(fn),
};

// rpx is 1/750 of the screen width (simulate itself maps 1rpx to 1px).
const rpx = (css) => String(css).replace(/(-?\d*\.?\d+)rpx/gi, (m, n) => `${+((Number(n) * WIDTH) / 750).toFixed(2)}px`);
need('miniprogram-simulate/src/utils').transformRpx = rpx;
const simulate = need('miniprogram-simulate');
const jComponent = need('j-component');

// Built-in components that simulate leaves empty, drawn so that what they hold can be seen.
jComponent.register({
  id: 'switch',
  tagName: 'wx-switch',
  template: '<span class="x-switch {{checked ? \'x-on\' : \'\'}}" style="{{checked ? \'background:\' + color : \'\'}}"><span class="x-knob"></span></span>',
  properties: { checked: { type: Boolean, value: false }, color: { type: String, value: '#07c160' } },
});
['input', 'textarea'].forEach((name) =>
  jComponent.register({
    id: name,
    tagName: `wx-${name}`,
    template: '<span class="{{value !== \'\' && value !== null ? \'x-value\' : \'x-placeholder\'}}">{{value !== \'\' && value !== null ? value : placeholder}}</span>',
    properties: { value: { type: null, value: '' }, placeholder: { type: String, value: '' } },
  }),
);
jComponent.register({
  id: 'map',
  tagName: 'wx-map',
  template:
    '<span wx:for="{{pins}}" wx:key="id" class="x-pin {{item.me ? \'x-me\' : \'\'}} {{item.shelter ? \'x-shelter\' : \'\'}}" style="left:{{item.x}}%;top:{{item.y}}%"></span><slot/>',
  properties: {
    markers: { type: Array, value: [] },
    latitude: { type: Number, value: 0 },
    longitude: { type: Number, value: 0 },
  },
  data: { pins: [] },
  observers: {
    'markers, latitude, longitude': function place(markers, latitude, longitude) {
      const points = (markers || []).map((m) => ({ id: m.id, lat: m.latitude, lng: m.longitude, shelter: /shelter/.test(m.iconPath || '') }));
      points.push({ id: 'me', lat: latitude, lng: longitude, me: true });
      const lats = points.map((p) => p.lat);
      const lngs = points.map((p) => p.lng);
      const span = (list) => Math.max(Math.max(...list) - Math.min(...list), 0.002);
      const pins = points.map((p) => ({
        id: p.id,
        me: !!p.me,
        shelter: !!p.shelter,
        x: +(10 + (80 * (p.lng - Math.min(...lngs))) / span(lngs)).toFixed(1),
        y: +(12 + (76 * (Math.max(...lats) - p.lat)) / span(lats)).toFixed(1),
      }));
      this.setData({ pins });
    },
  },
});

// ---------------------------------------------------------------------------------------------------------------
// One screen: render, settle, and write the HTML Chromium photographs.

const appJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const TAB_PAGES = ((appJson.tabBar && appJson.tabBar.list) || []).map((t) => t.pagePath);

async function settle(rounds = 30) {
  for (let i = 0; i < rounds; i += 1) await simulate.sleep(0);
  await simulate.sleep(5);
  for (let i = 0; i < rounds; i += 1) await simulate.sleep(0);
}

/** Runs app.js's App() as WeChat does before any page, so getApp().globalData.careMode is the app's own. */
function launchApp() {
  let app = null;
  global.App = (definition) => {
    app = definition;
  };
  const file = require.resolve(path.join(ROOT, 'app.js'));
  delete require.cache[file];
  require(file);
  app.onLaunch();
  global.getApp = () => app;
  global.getCurrentPages = () => [];
}

const TAGS = 'view|text|button|image|input|textarea|picker|navigator|scroll-view|swiper|swiper-item|icon|map|form|label|switch|checkbox|radio|slider|progress|rich-text';
const TAG_SELECTOR = new RegExp(`(^|[\\s,>+~}(])(${TAGS})(?=[\\s,.:#\\[{>+~)]|$)`, 'g');

const BASE_CSS = `
  html,body{margin:0;background:#fff;font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;font-size:16px;color:#1a1a1a}
  #phone{position:relative;width:${WIDTH}px;overflow:hidden;background:#f5f6f7}
  #nav{height:${NAV_HEIGHT}px;line-height:${NAV_HEIGHT}px;text-align:center;font-size:17px;font-weight:600;background:#fff;border-bottom:1px solid #e5e5e5;position:relative;box-sizing:border-box}
  #nav .back{position:absolute;left:12px;top:0;font-size:22px;font-weight:400}
  #nav .capsule{position:absolute;right:7px;top:6px;width:87px;height:32px;box-sizing:border-box;border:1px solid #e0e0e0;border-radius:16px;line-height:30px;font-size:14px;font-weight:700;letter-spacing:2px;color:#333}
  #screen{overflow:hidden;position:relative}
  #content{font-size:16px;line-height:1.5;background:#f5f6f7}
  #tabbar{height:${TAB_HEIGHT}px;display:flex;background:#fff;border-top:1px solid #ddd;box-sizing:border-box}
  #tabbar span{flex:1;text-align:center;line-height:${TAB_HEIGHT - 1}px;font-size:15px;color:#4a4a4a}
  #tabbar span.on{color:#0a4ea3;font-weight:700}
  wx-view,wx-scroll-view,wx-swiper,wx-swiper-item,wx-form,wx-map,wx-navigator,wx-picker,wx-block{display:block}
  wx-text,wx-label,wx-icon{display:inline}
  wx-scroll-view{overflow:hidden}
  wx-button{display:block;position:relative;box-sizing:border-box;margin:8px auto;padding:10px 16px;border-radius:6px;background:#f8f8f8;border:1px solid #ddd;text-align:center;font-size:18px}
  wx-input,wx-textarea{display:block;min-height:1.4em;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
  wx-textarea{min-height:3em;white-space:normal}
  .x-placeholder{color:#888}
  wx-map{position:relative;height:300px;overflow:hidden;background:linear-gradient(90deg,transparent 46%,#fff 46%,#fff 49%,transparent 49%),#e9efe6}
  wx-map::before{content:"";position:absolute;left:0;right:0;top:58%;height:10px;background:#fff}
  wx-map::after{content:"地图";position:absolute;right:6px;bottom:4px;font-size:11px;color:#6b7a66}
  .x-pin{position:absolute;width:16px;height:16px;margin:-16px 0 0 -8px;border-radius:50% 50% 50% 0;transform:rotate(-45deg);background:#0a4ea3;border:2px solid #fff;box-shadow:0 1px 2px rgba(0,0,0,.4)}
  .x-pin.x-shelter{background:#b3261e}
  .x-pin.x-me{width:12px;height:12px;margin:-6px 0 0 -6px;border-radius:50%;transform:none;background:#1e88e5;box-shadow:0 0 0 6px rgba(30,136,229,.25)}
  wx-switch{display:inline-block;vertical-align:middle}
  .x-switch{display:block;position:relative;width:52px;height:32px;border-radius:16px;background:#dcdcdc;box-sizing:border-box}
  .x-knob{position:absolute;top:2px;left:2px;width:28px;height:28px;border-radius:50%;background:#fff;box-shadow:0 1px 3px rgba(0,0,0,.3)}
  .x-on .x-knob{left:22px}`;

function pageTitle(page) {
  let json = {};
  try {
    json = JSON.parse(fs.readFileSync(path.join(ROOT, `${page}.json`), 'utf8'));
  } catch (e) {
    json = {};
  }
  return json.navigationBarTitleText || (appJson.window && appJson.window.navigationBarTitleText) || '';
}

const escapeHtml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

async function renderScreen(screen, care) {
  state.screen = screen;
  state.storage = Object.assign(clone(screen.storage || {}), care ? { careMode: true } : {});
  state.network = screen.network || 'wifi';
  state.problems = [];
  state.scrollTo = null;
  state.title = pageTitle(screen.page);
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  launchApp();

  const tag = 'page-root';
  const id = simulate.load(path.join(ROOT, screen.page), tag, { rootPath: ROOT });
  const comp = simulate.render(id);
  const host = document.createElement('div');
  document.body.appendChild(host);
  comp.attach(host);
  const page = comp.instance;
  if (typeof page.onLoad === 'function') await page.onLoad(clone(screen.options || {}));
  await settle();
  if (typeof page.onShow === 'function') await page.onShow();
  await settle();
  if (screen.after) await screen.after(page);
  await settle();

  const text = host.textContent.replace(/\s+/g, ' ');
  const stuck = ['正在加载', '正在获取您的位置', '暂时无法', '请先登录', '没有找到'].filter((w) => text.indexOf(w) >= 0);
  if (stuck.length) state.problems.push(`the page still says ${stuck.join('、')}`);

  const scrollTo = state.scrollTo ? `${tag}--${state.scrollTo}` : '';
  const styles = [...document.querySelectorAll('style')]
    .map((s) => s.innerHTML)
    .join('\n')
    .replace(TAG_SELECTOR, '$1wx-$2')
    .replace(/(^|[\s,}])page(?=[\s,.:{])/g, '$1#content');
  const body = rpx(host.innerHTML);
  comp.detach();

  const tab = TAB_PAGES.indexOf(screen.page) >= 0;
  const height = Math.min(screen.height || HEIGHT, MAX_HEIGHT);
  const screenHeight = height - NAV_HEIGHT - (tab ? TAB_HEIGHT : 0);
  const tabbar = tab
    ? `<div id="tabbar">${appJson.tabBar.list.map((t) => `<span class="${t.pagePath === screen.page ? 'on' : ''}">${escapeHtml(t.text)}</span>`).join('')}</div>`
    : '';
  // Where the page scrolled itself (wx.pageScrollTo, e.g. to the self-check's result): that element near the top.
  const scroll = scrollTo
    ? `<script>(function(){var c=document.getElementById('content'),e=document.querySelector('.${scrollTo}');if(!e)return;` +
      `var y=e.getBoundingClientRect().top-c.getBoundingClientRect().top-12,max=c.scrollHeight-${screenHeight};` +
      `c.style.transform='translateY('+(-Math.max(0,Math.min(y,max)))+'px)';})();</script>`
    : '';
  return {
    height,
    html:
      '<!doctype html><html><head><meta charset="utf-8">' +
      `<style>${BASE_CSS}</style><style>${styles}</style><style>#content .${tag}--page{min-height:${screenHeight}px}</style></head><body>` +
      `<div id="phone"><div id="nav">${tab ? '' : '<span class="back">‹</span>'}${escapeHtml(state.title)}<span class="capsule">··· ◎</span></div>` +
      `<div id="screen" style="height:${screenHeight}px"><div id="content">${body}</div></div>${tabbar}</div>` +
      `${scroll}</body></html>`,
  };
}

function photograph(htmlPath, pngPath, height) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'screens-chromium-'));
  try {
    execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-extensions',
        '--mute-audio',
        `--user-data-dir=${profile}`,
        '--hide-scrollbars',
        '--force-device-scale-factor=1',
        `--window-size=${WIDTH},${height}`,
        `--screenshot=${pngPath}`,
        `file://${htmlPath}`,
      ],
      { stdio: 'ignore', timeout: 60000 },
    );
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (!fs.existsSync(pngPath)) throw new Error(`chromium wrote no ${pngPath}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Chromium's PNG as a 256-colour one (median cut, no dithering): a screen of flat colours and text loses nothing
// a reader sees and takes about a third of the bytes, so the pictures can live in the repository.

const zlib = require('zlib');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i += 1) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.slice(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGB or RGBA PNG → {width, height, rgb} (alpha dropped: the screens are opaque). */
function decodePng(buf) {
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat = [];
  while (pos < buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.slice(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
      if (data[8] !== 8 || (colorType !== 2 && colorType !== 6) || data[12] !== 0) return null;
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + length;
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const prev = Buffer.alloc(stride);
  const line = Buffer.alloc(stride);
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const start = y * (stride + 1) + 1;
    for (let i = 0; i < stride; i += 1) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = raw[start + i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = v & 0xff;
    }
    for (let x = 0; x < width; x += 1) line.copy(rgb, (y * width + x) * 3, x * bpp, x * bpp + 3);
    line.copy(prev);
  }
  return { width, height, rgb };
}

/** Median cut over the colours weighted by how often they occur → at most 256 [r, g, b]. */
function palette(counts) {
  const colours = [...counts.keys()];
  if (colours.length <= 256) return colours.map((c) => [c >> 16, (c >> 8) & 0xff, c & 0xff]);
  let boxes = [colours];
  const channel = (c, k) => (k === 0 ? c >> 16 : k === 1 ? (c >> 8) & 0xff : c & 0xff);
  while (boxes.length < 256) {
    let best = -1;
    let bestRange = 0;
    let bestChannel = 0;
    boxes.forEach((box, i) => {
      if (box.length < 2) return;
      for (let k = 0; k < 3; k += 1) {
        let lo = 255;
        let hi = 0;
        box.forEach((c) => {
          const v = channel(c, k);
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        });
        if (hi - lo > bestRange) {
          bestRange = hi - lo;
          best = i;
          bestChannel = k;
        }
      }
    });
    if (best < 0) break;
    const box = boxes[best].slice().sort((p, q) => channel(p, bestChannel) - channel(q, bestChannel) || p - q);
    const total = box.reduce((s, c) => s + counts.get(c), 0);
    let acc = 0;
    let cut = 1;
    for (; cut < box.length - 1; cut += 1) {
      acc += counts.get(box[cut - 1]);
      if (acc >= total / 2) break;
    }
    boxes = boxes.slice(0, best).concat([box.slice(0, cut), box.slice(cut)], boxes.slice(best + 1));
  }
  return boxes.map((box) => {
    const sum = [0, 0, 0];
    let n = 0;
    box.forEach((c) => {
      const w = counts.get(c);
      sum[0] += (c >> 16) * w;
      sum[1] += ((c >> 8) & 0xff) * w;
      sum[2] += (c & 0xff) * w;
      n += w;
    });
    return sum.map((s) => Math.round(s / n));
  });
}

function shrinkPng(file) {
  const before = fs.readFileSync(file);
  const img = decodePng(before);
  if (!img) return;
  const { width, height, rgb } = img;
  const counts = new Map();
  for (let i = 0; i < rgb.length; i += 3) {
    const c = (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
    counts.set(c, (counts.get(c) || 0) + 1);
  }
  const colours = palette(counts);
  const index = new Map();
  counts.forEach((n, c) => {
    let best = 0;
    let bestDistance = Infinity;
    colours.forEach(([r, g, b], i) => {
      const d = 3 * (r - (c >> 16)) ** 2 + 4 * (g - ((c >> 8) & 0xff)) ** 2 + 2 * (b - (c & 0xff)) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    });
    index.set(c, best);
  });
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 3;
      rows[y * (width + 1) + 1 + x] = index.get((rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2]);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 3; // palette
  const after = Buffer.concat([
    before.slice(0, 8),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(colours.flat())),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9, memLevel: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  if (after.length < before.length) fs.writeFileSync(file, after);
}

// ---------------------------------------------------------------------------------------------------------------
// The gallery in docs/miniapp.md, between its two markers, written from SCREENS so it never lists a picture that
// is not made (or misses one that is).

const GALLERY_DOC = path.resolve(ROOT, '../docs/miniapp.md');
const GALLERY_START = '<!-- screens:start -->';
const GALLERY_END = '<!-- screens:end -->';

function writeGallery(screens) {
  if (!fs.existsSync(GALLERY_DOC)) return false;
  const doc = fs.readFileSync(GALLERY_DOC, 'utf8');
  const start = doc.indexOf(GALLERY_START);
  const end = doc.indexOf(GALLERY_END);
  if (start < 0 || end < start) return false;
  const rows = screens.map(
    (s) => `| **${s.title}**<br>\`${s.name}\`<br>\`${s.page}\` | ![${s.title}](miniapp/${s.name}.png) | ![${s.title}（关怀模式）](miniapp/${s.name}-care.png) |`,
  );
  const table = [
    '<!-- written by `make screens` from the SCREENS list in miniapp/scripts/screens.js: edit that list, not this table -->',
    '',
    '| screen | normal | 关怀模式 (care mode) |',
    '| --- | --- | --- |',
  ].concat(rows);
  const next = `${doc.slice(0, start + GALLERY_START.length)}\n${table.join('\n')}\n${doc.slice(end)}`;
  if (next !== doc) fs.writeFileSync(GALLERY_DOC, next);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? path.resolve(args[outAt + 1]) : DEFAULT_OUT;
  const keepHtml = args.indexOf('--keep-html') >= 0;
  const names = args.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  const unknown = names.filter((n) => !SCREENS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`no screen called ${unknown.join(', ')} (there are: ${SCREENS.map((s) => s.name).join(' ')})`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: sudo apt-get install -y chromium fonts-noto-cjk`);
  const chosen = names.length ? SCREENS.filter((s) => names.indexOf(s.name) >= 0) : SCREENS;

  fs.mkdirSync(out, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'screens-'));
  const problems = [];
  let bytes = 0;
  try {
    for (const screen of chosen) {
      for (const care of [false, true]) {
        const file = `${screen.name}${care ? '-care' : ''}`;
        const { html, height } = await renderScreen(screen, care);
        state.problems.forEach((p) => problems.push(`${file}: ${p}`));
        const htmlPath = path.join(tmp, `${file}.html`);
        const pngPath = path.join(out, `${file}.png`);
        fs.writeFileSync(htmlPath, html);
        photograph(htmlPath, pngPath, height);
        shrinkPng(pngPath);
        bytes += fs.statSync(pngPath).size;
      }
    }
  } finally {
    if (keepHtml) console.log(`HTML kept in ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${chosen.length * 2} pictures of ${chosen.length} screen${chosen.length === 1 ? '' : 's'} in ${path.relative(process.cwd(), out) || '.'} (${Math.round(bytes / 1024)} KB)`);
  if (out === DEFAULT_OUT && chosen === SCREENS && !writeGallery(SCREENS)) {
    problems.push(`docs/miniapp.md has no ${GALLERY_START} … ${GALLERY_END} for the gallery`);
  }
  if (problems.length) {
    console.error(`These pictures do not show the real page:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(),
    (err) => {
      console.error(err && err.message ? err.message : err);
      process.exit(1);
    },
  );
}

module.exports = { SCREENS };
