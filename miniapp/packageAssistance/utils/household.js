// The household as the 救助 forms hold it, and the server's rules checked on the phone before sending:
// server/schemas/assistance.py (MemberSchema, AssetsSchema, _DraftFields, RelativeSchema) and
// server/services/eligibility.py (_household_problems) and assistance.py (completeness_problems).
//
// Errors are keyed by the server's own dotted field names ("members.0.age", "assets.financial_fen", "reason"),
// so a 422's errors.json — dotted from the services, nested {"members": {"0": {"age": [...]}}} from webargs —
// lands on the same field after utils/errors.js flattenErrors() without a translation table.
//
// The form holds what was typed, as text: ages and counts as digits, money in yuan ("1500.50"); the bodies sent
// hold integers and fen (utils/money.js: string arithmetic, never a float).
const { yuanToFen, fenToYuanInput } = require('../../utils/money');

const FEN_MAX = 1000000000; // schemas/assistance.py FEN_MAX: 1000 万元
const MAX_MEMBERS = 20;
const MAX_AGE = 130;
const MAX_COUNT = 1000; // vehicles, properties
const LIMITS = { reason: 2000, relatives: 20, relativeName: 32, relativeRelation: 16, workplace: 64 };

// services/eligibility.py RELATIONS, in that order.
const RELATIONS = [
  { key: 'self', label: '本人（申请人）' },
  { key: 'spouse', label: '配偶' },
  { key: 'child', label: '子女' },
  { key: 'parent', label: '父母' },
  { key: 'grandparent', label: '祖父母、外祖父母' },
  { key: 'grandchild', label: '孙子女、外孙子女' },
  { key: 'sibling', label: '兄弟姐妹' },
  { key: 'other', label: '其他共同生活的人' },
];
const RELATION_SHORT = {
  self: '本人',
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  grandparent: '祖父母',
  grandchild: '孙子女',
  sibling: '兄弟姐妹',
  other: '其他',
};

// Index 0 is "none" (disability_grade null); 1..4 are the grades.
const DISABILITY = ['没有残疾', '一级残疾', '二级残疾', '三级残疾', '四级残疾'];

// models/assistance.py TEMPORARY_CAUSES.
const CAUSES = [
  { key: 'fire', label: '火灾' },
  { key: 'accident', label: '交通事故等意外' },
  { key: 'illness', label: '突发重病' },
  { key: 'disaster', label: '自然灾害' },
  { key: 'crime', label: '遭受不法侵害' },
  { key: 'other', label: '其他原因' },
];

const MSG = {
  noMembers: '请至少填写一位家庭成员（申请人本人）。',
  tooMany: `家庭成员最多 ${MAX_MEMBERS} 人。`,
  noSelf: '家庭成员中应有申请人本人（关系选“本人”）。',
  manySelves: (n) => `申请人本人只能有一位，现在有 ${n} 位。`,
  relation: '请选择与申请人的关系。',
  ageEmpty: '请填写年龄（周岁）。',
  age: `年龄应为 0 到 ${MAX_AGE} 之间的整数。`,
  incomeEmpty: '请填写每月收入，没有收入请填 0。',
  countBad: (label) => `${label}应为 0 到 ${MAX_COUNT} 之间的整数。`,
  reasonEmpty: '请说明申请原因。',
  reasonLong: `申请原因最多 ${LIMITS.reason} 个字。`,
  cause: '请选择遇到的困难类型（火灾、事故、疾病等）。',
  medical: '请填写医保报销后个人负担的医疗费用。',
  relativesAnswer: '请选择有没有在民政部门或村（居）委会工作的近亲属。',
  relativesEmpty: '请填写这位近亲属，或选择“没有”。',
  attachments: '请上传证明材料的照片或 PDF。',
};

const MONEY = { allowZero: true, maxFen: FEN_MAX, tooLarge: '金额最多 1000 万元' };

const length = (s) => Array.from(String(s)).length; // code points, as Python's len()
const trimmed = (v) => String(v == null ? '' : v).trim();
const halfWidth = (text) => String(text).replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/** "45" → 45; '' or anything but plain digits → null. */
function wholeNumber(value) {
  const text = halfWidth(trimmed(value));
  return /^\d{1,6}$/.test(text) ? parseInt(text, 10) : null;
}

function emptyMember(relation = '') {
  return { relation, age: '', income: '', disability: 0, student: false };
}

function emptyRelative() {
  return { name: '', relation: '', workplace: '' };
}

function emptyForm() {
  return {
    members: [emptyMember('self')],
    financial: '',
    vehicles: '',
    properties: '',
    medical: '',
    reason: '',
    cause: '',
    emergency: false,
    hasRelatives: null, // null: not answered; true / false
    relatives: [],
  };
}

// ---- checks, each returning {<server field>: '<sentence>'} ----

/** Who lives in the household: relation, age, disability (step 1). */
function membersProblems(members) {
  const errors = {};
  const list = members || [];
  if (!list.length) {
    errors.members = MSG.noMembers;
    return errors;
  }
  if (list.length > MAX_MEMBERS) {
    errors.members = MSG.tooMany;
    return errors;
  }
  list.forEach((m, i) => {
    if (!RELATION_SHORT[m.relation]) errors[`members.${i}.relation`] = MSG.relation;
    const age = wholeNumber(m.age);
    if (!trimmed(m.age)) errors[`members.${i}.age`] = MSG.ageEmpty;
    else if (age === null || age > MAX_AGE) errors[`members.${i}.age`] = MSG.age;
  });
  const selves = list.filter((m) => m.relation === 'self').length;
  if (selves === 0) errors.members = MSG.noSelf;
  else if (selves > 1) errors.members = MSG.manySelves(selves);
  return errors;
}

/** Each member's monthly income in yuan, 0 allowed (step 2). */
function incomeProblems(members) {
  const errors = {};
  (members || []).forEach((m, i) => {
    if (!trimmed(m.income)) {
      errors[`members.${i}.monthly_income_fen`] = MSG.incomeEmpty;
      return;
    }
    const money = yuanToFen(m.income, MONEY);
    if (!money.ok) errors[`members.${i}.monthly_income_fen`] = money.reason;
  });
  return errors;
}

/**
 * Savings, vehicles, dwellings (empty means 0), and for 医疗救助 the out-of-pocket cost (step 3). requireMedical:
 * an application must name a cost above 0; the self-check takes 0 and says why it does not qualify.
 */
function assetsProblems(form, program, { requireMedical = true } = {}) {
  const errors = {};
  if (trimmed(form.financial)) {
    const money = yuanToFen(form.financial, MONEY);
    if (!money.ok) errors['assets.financial_fen'] = money.reason;
  }
  [
    ['vehicles', '机动车数量'],
    ['properties', '住房数量'],
  ].forEach(([field, label]) => {
    if (!trimmed(form[field])) return;
    const n = wholeNumber(form[field]);
    if (n === null || n > MAX_COUNT) errors[`assets.${field}`] = MSG.countBad(label);
  });
  if (program === 'medical') {
    if (!trimmed(form.medical)) {
      if (requireMedical) errors.medical_out_of_pocket_fen = MSG.medical;
    } else {
      const money = yuanToFen(form.medical, MONEY);
      if (!money.ok) errors.medical_out_of_pocket_fen = money.reason;
      else if (requireMedical && money.fen <= 0) errors.medical_out_of_pocket_fen = MSG.medical;
    }
  }
  return errors;
}

/** Why, what happened (临时救助), and the near relatives who are workers or cadres (step 4). */
function reasonProblems(form, program) {
  const errors = {};
  const reason = trimmed(form.reason);
  if (!reason) errors.reason = MSG.reasonEmpty;
  else if (length(reason) > LIMITS.reason) errors.reason = MSG.reasonLong;
  if (program === 'temporary' && !CAUSES.some((c) => c.key === form.cause)) errors.cause = MSG.cause;
  if (form.hasRelatives === null || form.hasRelatives === undefined) {
    errors.relatives = MSG.relativesAnswer;
  } else if (form.hasRelatives) {
    const list = form.relatives || [];
    if (!list.length) errors.relatives = MSG.relativesEmpty;
    if (list.length > LIMITS.relatives) errors.relatives = `近亲属最多填写 ${LIMITS.relatives} 位。`;
    list.forEach((r, i) => {
      [
        ['name', '姓名', LIMITS.relativeName],
        ['relation', '关系', LIMITS.relativeRelation],
        ['workplace', '工作单位', LIMITS.workplace],
      ].forEach(([field, label, max]) => {
        const value = trimmed(r[field]);
        if (!value) errors[`relatives.${i}.${field}`] = `请填写${label}。`;
        else if (length(value) > max) errors[`relatives.${i}.${field}`] = `${label}最多 ${max} 个字。`;
      });
    });
  }
  return errors;
}

/** At least one document (step 5). */
function documentProblems(attachments) {
  return attachments && attachments.length ? {} : { attachments: MSG.attachments };
}

// ---- bodies ----

function membersBody(members) {
  return (members || []).map((m) => {
    const disability = Number(m.disability) || 0;
    return {
      relation: m.relation,
      age: wholeNumber(m.age),
      monthly_income_fen: yuanToFen(m.income, MONEY).fen,
      disability_grade: disability >= 1 && disability <= 4 ? disability : null,
      student: !!m.student,
    };
  });
}

function assetsBody(form) {
  const financial = trimmed(form.financial) ? yuanToFen(form.financial, MONEY).fen : 0;
  return {
    financial_fen: financial,
    vehicles: wholeNumber(form.vehicles) || 0,
    properties: wholeNumber(form.properties) || 0,
  };
}

function medicalFen(form) {
  return trimmed(form.medical) ? yuanToFen(form.medical, MONEY).fen : 0;
}

/** The groups of a draft, by the step that edits them: a PATCH sends only the groups that changed. */
function draftGroups(form, program) {
  const reasonGroup = {
    reason: trimmed(form.reason),
    relatives: form.hasRelatives
      ? (form.relatives || []).map((r) => ({ name: trimmed(r.name), relation: trimmed(r.relation), workplace: trimmed(r.workplace) }))
      : [],
  };
  if (program === 'temporary') {
    reasonGroup.cause = form.cause;
    reasonGroup.emergency = !!form.emergency;
  }
  const assetsGroup = { assets: assetsBody(form) };
  if (program === 'medical') assetsGroup.medical_out_of_pocket_fen = medicalFen(form);
  return {
    members: { members: membersBody(form.members) },
    assets: assetsGroup,
    reason: reasonGroup,
  };
}

/** POST /assistance/eligibility's body. */
function eligibilityBody({ program, regionCode, isUrban, form }) {
  const body = {
    program,
    region_code: regionCode,
    is_urban: !!isUrban,
    members: membersBody(form.members),
    assets: assetsBody(form),
  };
  if (program === 'medical') body.medical_out_of_pocket_fen = medicalFen(form);
  return body;
}

/** An application from the server → the form (money back to yuan text). Member names are not edited here. */
function formFromApplication(app) {
  const form = emptyForm();
  const members = (app.members || []).map((m) => ({
    relation: m.relation || '',
    age: m.age === null || m.age === undefined ? '' : String(m.age),
    income: m.monthly_income_fen === null || m.monthly_income_fen === undefined ? '' : fenToYuanInput(m.monthly_income_fen),
    disability: m.disability_grade >= 1 && m.disability_grade <= 4 ? m.disability_grade : 0,
    student: !!m.student,
  }));
  if (members.length) form.members = members;
  const assets = app.assets || {};
  const started = !!(app.reason || members.length);
  form.financial = assets.financial_fen ? fenToYuanInput(assets.financial_fen) : started ? '0' : '';
  form.vehicles = assets.vehicles ? String(assets.vehicles) : started ? '0' : '';
  form.properties = assets.properties ? String(assets.properties) : started ? '0' : '';
  form.medical = app.medical_out_of_pocket_fen ? fenToYuanInput(app.medical_out_of_pocket_fen) : '';
  form.reason = app.reason || '';
  form.cause = app.cause || '';
  form.emergency = !!app.emergency;
  const relatives = (app.relatives || []).map((r) => ({ name: r.name || '', relation: r.relation || '', workplace: r.workplace || '' }));
  form.relatives = relatives;
  form.hasRelatives = relatives.length ? true : started ? false : null;
  return form;
}

// ---- the server's 422 (flattened by utils/errors.js flattenErrors) ----

const MEMBER_FIELDS = ['relation', 'age', 'monthly_income_fen', 'disability_grade', 'student'];
const RELATIVE_FIELDS = ['name', 'relation', 'workplace'];
const TOP_FIELDS = {
  members: 'members',
  'assets.financial_fen': 'assets_financial_fen',
  'assets.vehicles': 'assets_vehicles',
  'assets.properties': 'assets_properties',
  assets: 'assets',
  medical_out_of_pocket_fen: 'medical_out_of_pocket_fen',
  reason: 'reason',
  cause: 'cause',
  emergency: 'cause',
  relatives: 'relatives',
  attachments: 'attachments',
};

/**
 * Dotted errors → what the templates read (WXML keys without dots): {err: {members, assets_financial_fen, …},
 * memberErrors: [{relation, age, …}], relativeErrors: [{name, …}], other: '…'}. A field the form does not show
 * (members.0.salary, program) is said in its group or in `other`, never lost.
 */
function viewErrors(errors, memberCount, relativeCount) {
  const err = {};
  const memberErrors = Array.from({ length: memberCount || 0 }, () => ({}));
  const relativeErrors = Array.from({ length: relativeCount || 0 }, () => ({}));
  const other = [];
  const add = (obj, key, text) => {
    obj[key] = obj[key] ? `${obj[key]}${text}` : text;
  };
  Object.keys(errors || {}).forEach((field) => {
    const text = errors[field];
    let m = /^members\.(\d+)\.(\w+)$/.exec(field);
    if (m) {
      const i = Number(m[1]);
      if (memberErrors[i] && MEMBER_FIELDS.indexOf(m[2]) >= 0) add(memberErrors[i], m[2], text);
      else add(err, 'members', `第 ${i + 1} 位成员：${text}`);
      return;
    }
    m = /^relatives\.(\d+)\.(\w+)$/.exec(field);
    if (m) {
      const i = Number(m[1]);
      if (relativeErrors[i] && RELATIVE_FIELDS.indexOf(m[2]) >= 0) add(relativeErrors[i], m[2], text);
      else add(err, 'relatives', `第 ${i + 1} 位近亲属：${text}`);
      return;
    }
    if (/^members\.\d+$/.test(field)) return add(err, 'members', text);
    if (/^relatives\.\d+$/.test(field)) return add(err, 'relatives', text);
    if (TOP_FIELDS[field]) return add(err, TOP_FIELDS[field], text);
    if (/^assets\./.test(field)) return add(err, 'assets', text);
    other.push(text);
  });
  return { err, memberErrors, relativeErrors, other: other.join('') };
}

module.exports = {
  FEN_MAX,
  MAX_MEMBERS,
  MAX_AGE,
  LIMITS,
  RELATIONS,
  RELATION_SHORT,
  DISABILITY,
  CAUSES,
  MSG,
  emptyMember,
  emptyRelative,
  emptyForm,
  wholeNumber,
  membersProblems,
  incomeProblems,
  assetsProblems,
  reasonProblems,
  documentProblems,
  membersBody,
  assetsBody,
  draftGroups,
  eligibilityBody,
  formFromApplication,
  viewErrors,
};
