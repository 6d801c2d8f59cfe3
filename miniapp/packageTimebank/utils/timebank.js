// 时间银行: the rules the forms check on the phone (the same as server/schemas/timebank.py and
// server/services/timebank.py), and the words and numbers the pages show. Pure functions, tested under jest.
//
// Times arrive as ISO 8601 with an offset and are shown in Asia/Shanghai (UTC+8, no summer time) whatever
// the phone's own time zone is, so everything here works on "Shanghai wall-clock" fields computed by hand.

// SKILL_NAMES in server/services/timebank.py, in the same order.
const SKILLS = [
  { key: 'companionship', label: '陪伴聊天' },
  { key: 'housekeeping', label: '家政保洁' },
  { key: 'meal_help', label: '助餐送餐' },
  { key: 'personal_care', label: '生活照料' },
  { key: 'medical_escort', label: '陪同就医' },
  { key: 'rehabilitation', label: '康复辅助' },
  { key: 'haircut', label: '理发' },
  { key: 'repairs', label: '维修' },
  { key: 'digital_help', label: '智能手机教学' },
  { key: 'legal_advice', label: '法律咨询' },
  { key: 'cultural', label: '文体活动' },
];
const SKILL_KEYS = SKILLS.map((s) => s.key);

const TEAMS = ['义工之家', '幸福驿站'];
const RELATIONS = ['父母', '配偶', '子女', '兄弟姐妹', '其他亲属'];

// The limits of the server's schemas.
const LIMITS = {
  teamMax: 32,
  nameMax: 32,
  relationMax: 16,
  placeMax: 200,
  noteMax: 500,
  redeemMaxMinutes: 12 * 60, // MINUTES = Range(30, 720)
  transferMaxMinutes: 1500 * 60,
  step: 30, // everything is by the half hour
};

const MOBILE = /^1[3-9]\d{9}$/;
const CODE = /^\d{6}$/;

const MSG = {
  skills: '请至少选择一项您能提供的服务',
  team: `团队名称最多 ${LIMITS.teamMax} 个字`,
  phone: '请填写 11 位手机号码。',
  nameRequired: '请填写家人的真实姓名',
  nameMax: `姓名最多 ${LIMITS.nameMax} 个字`,
  relationMax: `关系最多 ${LIMITS.relationMax} 个字`,
  hoursRequired: '请填写小时数',
  hoursNumber: '请填写数字，例如 2 或 1.5',
  hoursStep: '以半小时为单位（30 分钟的整数倍）。',
  hoursMin: '至少半小时',
  code: '签到码是 6 位数字。',
  service: '请选择需要的服务',
  wantedOn: '请选择希望服务的日期',
  wantedPast: '日期不能早于今天。',
  placeRequired: '请填写服务地点，例如家庭住址',
  placeMax: `地点最多 ${LIMITS.placeMax} 个字`,
  region: '请选择所在地区',
  recipientRequired: '请填写家人的姓名',
  noteMax: `备注最多 ${LIMITS.noteMax} 个字`,
};

// ---- numbers ----

/** 120 → "2", 90 → "1.5", 0 → "0": hours as people say them. */
function hoursNumber(minutes) {
  const m = Number(minutes) || 0;
  const hours = m / 60;
  return Number.isInteger(hours) ? String(hours) : String(Math.round(hours * 10) / 10);
}

/** 120 → "2 小时", 90 → "1.5 小时". */
function hoursText(minutes) {
  return `${hoursNumber(minutes)} 小时`;
}

/** "+2 小时" / "−1.5 小时": the sign is written, so colour is never the only cue. */
function signedHoursText(minutes) {
  const m = Number(minutes) || 0;
  return `${m < 0 ? '−' : '+'}${hoursText(Math.abs(m))}`;
}

/**
 * What was typed into an hours field → minutes, or an error message. The server takes integer minutes that
 * are a multiple of 30 within [min, max].
 */
function parseHours(value, { max } = {}) {
  const text = String(value === undefined || value === null ? '' : value).trim();
  if (!text) return { error: MSG.hoursRequired };
  if (!/^\d+(\.\d+)?$/.test(text)) return { error: MSG.hoursNumber };
  const minutes = Math.round(Number(text) * 60 * 1000) / 1000;
  if (!Number.isInteger(minutes) || minutes % LIMITS.step !== 0) return { error: MSG.hoursStep };
  if (minutes < LIMITS.step) return { error: MSG.hoursMin };
  if (max && minutes > max) return { error: `一次最多 ${hoursText(max)}` };
  return { minutes };
}

/** A mobile number as the server stores it (spaces and dashes dropped, as clean_phone does). */
function cleanPhone(value) {
  return String(value || '').replace(/[\s-]/g, '');
}

const isMobile = (value) => MOBILE.test(cleanPhone(value));

// ---- star level (POLICY.md: 1★ 100 h … 5★ 1500 h) ----

const STAR_WORDS = ['', '一星', '二星', '三星', '四星', '五星'];

/** 2 → "★★☆☆☆". */
function starMarks(level) {
  const n = Math.max(0, Math.min(5, Number(level) || 0));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}

/** 2 → "二星志愿者", 0 → "尚未评星". */
function starWords(level) {
  const n = Math.max(0, Math.min(5, Number(level) || 0));
  return n ? `${STAR_WORDS[n]}志愿者` : '尚未评星';
}

/** How far to the next star, from the account's earned_minutes and next_star_hours (the next threshold). */
function nextStarText(account) {
  if (!account) return '';
  const level = Number(account.star_level) || 0;
  if (account.next_star_hours === null || account.next_star_hours === undefined || level >= 5) {
    return '已达到最高星级（五星）。';
  }
  const left = Math.max(0, account.next_star_hours * 60 - (Number(account.earned_minutes) || 0));
  return `再服务 ${hoursText(left)}，可达到${STAR_WORDS[level + 1]}（累计 ${account.next_star_hours} 小时）。`;
}

// ---- words for states ----

const ENTRY_KINDS = {
  service: '志愿服务存入',
  redemption: '申请养老服务（预扣）',
  release: '申请取消，时间退回',
  transfer_out: '转赠给家人',
  transfer_in: '家人转赠',
  overflow: '超出余额上限，转入公益基金',
  donation: '捐给公益基金',
  fund_in: '公益基金收入',
  grant: '公益基金赠送',
  grant_out: '公益基金支出',
  correction: '管理员更正',
};

const BOOKING_STATUS = {
  booked: '已预约',
  checked_in: '服务中（已签到）',
  completed: '已完成',
  cancelled: '已取消',
  cancelled_by_site: '服务点已取消',
};

const REDEMPTION_STATUS = {
  held: '已预留时间，等待安排',
  done: '服务已完成',
  cancelled: '已取消，时间已退回',
};

const LOG_STATUS = {
  pending: '待审核',
  approved: '已入账',
  rejected: '未通过',
};

const skillName = (key) => (SKILLS.find((s) => s.key === key) || {}).label || key;

// ---- dates and times, shown in Asia/Shanghai ----

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const pad = (n) => (n < 10 ? `0${n}` : String(n));

/** Wall-clock fields in Shanghai of an ISO string, a Date or a millisecond count. */
function shanghai(value) {
  const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    dayNumber: Math.floor((ms + SHANGHAI_OFFSET_MS) / 86400000),
  };
}

/** "YYYY-MM-DD" of today in Shanghai (the date picker's start, and the server's local_today). */
function todayText(now = Date.now()) {
  const t = shanghai(now);
  return `${t.year}-${pad(t.month)}-${pad(t.day)}`;
}

function dayWords(t, now) {
  const diff = t.dayNumber - shanghai(now).dayNumber;
  if (diff === 0) return '今天';
  if (diff === 1) return '明天';
  if (diff === 2) return '后天';
  return '';
}

function dateText(t, now) {
  const words = dayWords(t, now);
  const base = `${t.month}月${t.day}日（${WEEKDAYS[t.weekday]}）`;
  return words ? `${words} ${base}` : base;
}

const clock = (t) => `${pad(t.hour)}:${pad(t.minute)}`;

/** "今天 11月30日（周一）16:00–18:00"; a slot over midnight names both days. */
function slotText(startsAt, endsAt, now = Date.now()) {
  const s = shanghai(startsAt);
  const e = shanghai(endsAt);
  if (!s) return '';
  if (!e) return `${dateText(s, now)} ${clock(s)}`;
  if (s.dayNumber === e.dayNumber) return `${dateText(s, now)} ${clock(s)}–${clock(e)}`;
  return `${dateText(s, now)} ${clock(s)} 至 ${dateText(e, now)} ${clock(e)}`;
}

/**
 * The slot in two parts, so a page can keep the clock on one line: {date: "今天 11月30日（周一）",
 * clock: "16:00–18:00"}; a slot over midnight is all in `date`.
 */
function slotParts(startsAt, endsAt, now = Date.now()) {
  const s = shanghai(startsAt);
  const e = shanghai(endsAt);
  if (!s) return { date: '', clock: '' };
  if (e && s.dayNumber === e.dayNumber) return { date: dateText(s, now), clock: `${clock(s)}–${clock(e)}` };
  return { date: slotText(startsAt, endsAt, now), clock: '' };
}

/** "11月30日 16:05" (a time something happened). */
function momentText(value) {
  const t = shanghai(value);
  return t ? `${t.month}月${t.day}日 ${clock(t)}` : '';
}

/** "2026-11-30" (a date the server sends as a date) → "2026年11月30日". */
function dayText(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value || ''));
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : '';
}

/** The `from` / `to` of a time filter chip, as ISO strings in UTC ("Z": no "+" to escape in a URL). */
function timeWindow(key, now = Date.now()) {
  if (key === 'today' || key === 'tomorrow') {
    const t = shanghai(now);
    const midnight = t.dayNumber * 86400000 - SHANGHAI_OFFSET_MS; // 00:00 today in Shanghai
    const from = key === 'today' ? now : midnight + 86400000;
    const to = midnight + (key === 'today' ? 1 : 2) * 86400000;
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  }
  if (key === 'week') return { from: new Date(now).toISOString(), to: new Date(now + 7 * 86400000).toISOString() };
  return {};
}

/** 350 米, 1.2 公里. */
function distanceText(m) {
  if (m === null || m === undefined || m === '') return '';
  if (m < 1000) return `${Math.round(m)} 米`;
  if (m < 9950) return `${(m / 1000).toFixed(1)} 公里`;
  return `${Math.round(m / 1000)} 公里`;
}

// ---- view models ----

function placesText(opp) {
  if (opp.status === 'cancelled') return '已取消';
  return opp.places_left > 0 ? `还剩 ${opp.places_left} 个名额` : '已约满';
}

function opportunityView(opp, now = Date.now()) {
  const when = slotParts(opp.starts_at, opp.ends_at, now);
  return Object.assign({}, opp, {
    whenText: slotText(opp.starts_at, opp.ends_at, now),
    whenDate: when.date,
    whenClock: when.clock,
    hoursText: hoursText(opp.minutes),
    placeText: opp.facility_name || '无固定地点（到场后凭签到码签到）',
    distanceText: distanceText(opp.distance_m),
    placesText: placesText(opp),
    full: !(opp.places_left > 0),
    skillText: (opp.skill_names || []).join('、'),
  });
}

function bookingView(b, now = Date.now()) {
  const ended = Date.parse(b.ends_at) <= now;
  let statusText = BOOKING_STATUS[b.status] || b.status;
  if (b.status === 'booked' && ended) statusText = '未签到，已结束';
  const when = slotParts(b.starts_at, b.ends_at, now);
  return Object.assign({}, b, {
    whenText: slotText(b.starts_at, b.ends_at, now),
    whenDate: when.date,
    whenClock: when.clock,
    placeText: b.facility_name || '无固定地点（凭签到码签到）',
    statusText,
    canCheckIn: b.status === 'booked' && !ended,
    canCancel: b.status === 'booked' && !ended,
    canCheckOut: b.status === 'checked_in',
    checkedInText: b.checked_in_at ? `签到：${momentText(b.checked_in_at)}` : '',
    checkedOutText: b.checked_out_at ? `签退：${momentText(b.checked_out_at)}` : '',
  });
}

function entryView(e) {
  return Object.assign({}, e, {
    kindText: ENTRY_KINDS[e.kind] || '其他',
    amountText: signedHoursText(e.minutes),
    credit: e.minutes >= 0,
    whenText: momentText(e.created_at),
  });
}

function redemptionView(r) {
  return Object.assign({}, r, {
    serviceText: r.service_name || skillName(r.service),
    dateText: dayText(r.wanted_on),
    hoursText: hoursText(r.minutes),
    statusText: REDEMPTION_STATUS[r.status] || r.status,
    forText: r.recipient_name ? `${r.recipient_relation ? `${r.recipient_relation} ` : ''}${r.recipient_name}` : '本人',
    canCancel: r.status === 'held',
  });
}

function logView(log) {
  return Object.assign({}, log, {
    dateText: dayText(log.served_on),
    hoursText: hoursText(log.minutes),
    statusText: LOG_STATUS[log.status] || log.status,
  });
}

// ---- forms ----

/** The same rules as VolunteerCreateSchema. */
function validateRegister({ skills, team }) {
  const errors = {};
  const list = (skills || []).filter((s) => SKILL_KEYS.indexOf(s) >= 0);
  if (!list.length) errors.skills = MSG.skills;
  if (team && team.trim().length > LIMITS.teamMax) errors.team = MSG.team;
  return errors;
}

/** TransferCreateSchema + services.timebank.transfer: 11-digit mobile, a name, whole half hours. */
function validateTransfer({ phone, realName, hours, relation }) {
  const errors = {};
  if (!isMobile(phone)) errors.phone = MSG.phone;
  const name = (realName || '').trim();
  if (!name) errors.realName = MSG.nameRequired;
  else if (name.length > LIMITS.nameMax) errors.realName = MSG.nameMax;
  const parsed = parseHours(hours, { max: LIMITS.transferMaxMinutes });
  if (parsed.error) errors.hours = parsed.error;
  if (relation && relation.length > LIMITS.relationMax) errors.relation = MSG.relationMax;
  return { errors, minutes: parsed.minutes };
}

/** RedemptionCreateSchema + services.timebank.redeem. */
function validateRedemption(form, now = Date.now()) {
  const errors = {};
  if (SKILL_KEYS.indexOf(form.service) < 0) errors.service = MSG.service;
  if (!form.wantedOn) errors.wantedOn = MSG.wantedOn;
  else if (form.wantedOn < todayText(now)) errors.wantedOn = MSG.wantedPast;
  const place = (form.place || '').trim();
  if (!place) errors.place = MSG.placeRequired;
  else if (place.length > LIMITS.placeMax) errors.place = MSG.placeMax;
  if (!form.regionCode || form.regionCode.length < 2 || form.regionCode.length > 12) errors.region = MSG.region;
  const parsed = parseHours(form.hours, { max: LIMITS.redeemMaxMinutes });
  if (parsed.error) errors.hours = parsed.error;
  if (form.forFamily) {
    const name = (form.recipientName || '').trim();
    if (!name) errors.recipientName = MSG.recipientRequired;
    else if (name.length > LIMITS.nameMax) errors.recipientName = MSG.nameMax;
    if ((form.recipientRelation || '').length > LIMITS.relationMax) errors.recipientRelation = MSG.relationMax;
  }
  if ((form.note || '').length > LIMITS.noteMax) errors.note = MSG.noteMax;
  return { errors, minutes: parsed.minutes };
}

function validateCode(code) {
  return CODE.test(String(code || '').trim()) ? '' : MSG.code;
}

/** Flattens one field's messages: ["a", "b"], or {"1": ["…"]} for an item of a list. */
function messagesOf(value) {
  if (Array.isArray(value)) return value.map(messagesOf).join('');
  if (value && typeof value === 'object') return Object.keys(value).map((k) => messagesOf(value[k])).join('');
  return value === undefined || value === null ? '' : String(value);
}

/**
 * A 422's errors.json onto the form's fields: mapping renames server fields (minutes → hours); fields the form
 * does not show are returned under `other`, so the page can still say them.
 */
function fieldErrorsOf(err, mapping = {}) {
  const fields = (err && err.errors && err.errors.json) || {};
  const out = {};
  const other = [];
  Object.keys(fields).forEach((name) => {
    const target = mapping[name] === undefined ? name : mapping[name];
    const text = messagesOf(fields[name]);
    if (target) out[target] = out[target] ? out[target] + text : text;
    else other.push(text);
  });
  return { fields: out, other: other.join('') };
}

/** One key per intended write: a retry or a second tap sends the same key, and the server writes once. */
function newIdempotencyKey() {
  const random = () => Math.random().toString(36).slice(2, 10);
  return `tb-${Date.now().toString(36)}-${random()}${random()}`;
}

module.exports = {
  SKILLS,
  TEAMS,
  RELATIONS,
  LIMITS,
  MSG,
  ENTRY_KINDS,
  BOOKING_STATUS,
  REDEMPTION_STATUS,
  hoursNumber,
  hoursText,
  signedHoursText,
  parseHours,
  cleanPhone,
  isMobile,
  starMarks,
  starWords,
  nextStarText,
  skillName,
  shanghai,
  todayText,
  slotText,
  slotParts,
  momentText,
  dayText,
  timeWindow,
  distanceText,
  opportunityView,
  bookingView,
  entryView,
  redemptionView,
  logView,
  validateRegister,
  validateTransfer,
  validateRedemption,
  validateCode,
  fieldErrorsOf,
  newIdempotencyKey,
};
