// What the 工作台 pages show, worked out before setData: China-time dates, yuan from fen, hours from minutes,
// and the Chinese names of the server's codes. The server sends times in ISO 8601 with an offset (stored in
// UTC) and dates as 'YYYY-MM-DD'; they are shown in Asia/Shanghai.

const { PROGRAM_NAMES, STATUS_NAMES } = require('../../utils/assistance-names');
const { pad2, localDateTime, localDate, todayInChina } = require('../../utils/format');

const DAY_MS = 24 * 60 * 60 * 1000;

// The timeline's steps (server/services/assistance.py ACTION_NAMES, plus create and object).
const EVENT_NAMES = {
  create: '创建申请',
  edit: '修改申请',
  submit: '提交申请',
  withdraw: '撤回申请',
  accept: '受理',
  return: '退回补充材料',
  investigate: '入户调查',
  review: '乡镇（街道）审核',
  approve: '批准',
  reject: '不予批准',
  pay_first: '先行救助',
  object: '公示期收到异议',
};

const RELATION_NAMES = {
  self: '本人',
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  grandparent: '祖父母/外祖父母',
  grandchild: '孙子女/外孙子女',
  sibling: '兄弟姐妹',
  other: '其他',
};

const CAUSE_NAMES = {
  fire: '火灾',
  accident: '意外事故',
  illness: '突发重病',
  disaster: '自然灾害',
  crime: '遭受侵害',
  other: '其他',
};

const DISABILITY_NAMES = { 1: '一级', 2: '二级', 3: '三级', 4: '四级' };

const LEVEL_NAMES = {
  community: '社区（村）',
  township: '乡镇（街道）',
  county: '县（市、区）',
  city: '市',
};

// Shelter occupants (server/models/facilities.py OCCUPANT_GROUPS), in the order a form shows them.
const GROUPS = [
  { key: 'men', label: '男性' },
  { key: 'women', label: '女性' },
  { key: 'children', label: '儿童' },
  { key: 'infants', label: '婴幼儿' },
  { key: 'elderly', label: '老年人' },
  { key: 'disabled', label: '残疾人' },
];

/** '2026-12-01' → '2026年12月1日'. */
function dateText(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day || '');
  if (!m) return '';
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** Whole days from a to b ('YYYY-MM-DD' each); b − a. */
function daysBetween(a, b) {
  const ta = Date.parse(`${a}T00:00:00Z`);
  const tb = Date.parse(`${b}T00:00:00Z`);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return 0;
  return Math.round((tb - ta) / DAY_MS);
}

/** The deadline in words: '已逾期 3 天（期限 2026年12月1日）', '今天到期', '还剩 5 天（…）', or ''. */
function deadlineText(dueOn, overdue, today = todayInChina()) {
  if (!dueOn) return '';
  const left = daysBetween(today, dueOn);
  const when = `期限 ${dateText(dueOn)}`;
  if (overdue || left < 0) return `已逾期 ${Math.max(1, -left)} 天（${when}）`;
  if (left === 0) return `今天到期（${when}）`;
  return `还剩 ${left} 天（${when}）`;
}

function group(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 10050 → '100.50 元', 48000 → '480 元', null → ''. Integer arithmetic only. */
function yuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  const n = Math.round(Number(fen));
  if (Number.isNaN(n)) return '';
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const rest = abs % 100;
  return `${sign}${group(Math.floor(abs / 100))}${rest ? `.${pad2(rest)}` : ''} 元`;
}

/** 90 → '1.5 小时', 60 → '1 小时', 30 → '0.5 小时'. */
function hoursText(minutes) {
  const m = Number(minutes) || 0;
  const hours = Math.round((m / 60) * 10) / 10;
  return `${hours} 小时`;
}

/** A household member in one line: '本人，56 岁，月收入 150 元，残疾二级，在校学生'. */
function memberText(member) {
  if (!member) return '';
  const parts = [];
  const who = RELATION_NAMES[member.relation] || member.relation || '成员';
  parts.push(member.name ? `${who} ${member.name}` : who);
  if (member.age !== undefined && member.age !== null) parts.push(`${member.age} 岁`);
  if (member.monthly_income_fen !== undefined) parts.push(`月收入 ${yuan(member.monthly_income_fen)}`);
  if (member.disability_grade) parts.push(`残疾${DISABILITY_NAMES[member.disability_grade] || member.disability_grade}`);
  if (member.student) parts.push('在校学生');
  return parts.join('，');
}

/** Assets in one line: '存款等金融资产 2,000 元，车辆 0 辆，房产 0 套'. */
function assetsText(assets) {
  const a = assets || {};
  return `存款等金融资产 ${yuan(a.financial_fen || 0)}，车辆 ${a.vehicles || 0} 辆，房产 ${a.properties || 0} 套`;
}

/** 5 * 1024 → '5 KB'. */
function sizeText(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return `${n} 字节`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
}

/** A count for the 工作台: 100 items on a page of 100 may be more. */
function countText(n, pageSize) {
  return n >= pageSize ? `${pageSize}+` : String(n);
}

module.exports = {
  PROGRAM_NAMES,
  STATUS_NAMES,
  EVENT_NAMES,
  RELATION_NAMES,
  CAUSE_NAMES,
  LEVEL_NAMES,
  GROUPS,
  localDateTime,
  localDate,
  todayInChina,
  dateText,
  daysBetween,
  deadlineText,
  yuan,
  hoursText,
  memberText,
  assetsText,
  sizeText,
  countText,
};
