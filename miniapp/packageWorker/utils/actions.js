// The review actions a worker may take on an application, each with its form, checked on the phone with the
// rules of server/schemas/assistance.py and server/services/assistance.py before sending. The page offers
// exactly the actions in the application's `allowed_actions` (the server's list); this module only knows how
// each one is asked for. Every body carries the `version` the worker read: a stale one is a 409.
const { yuanToFen, fenToYuanInput } = require('./money');
const { RELATION_NAMES, localDate } = require('./format');

const FEN_MAX = 1000000000; // schemas/assistance.py FEN_MAX
const LIMITS = {
  comment: 1000,
  missingItem: 200,
  missingCount: 50,
  staffName: 32,
  staffMax: 10,
  members: 20,
  notes: 4000,
  reasons: 2000,
  maxAge: 130,
};

const ACTIONS = {
  accept: { label: '受理', title: '受理申请', submit: '确认受理', kind: 'primary', done: '已受理，下一步是入户调查。' },
  return: { label: '退回补充材料', title: '退回，请申请人补充', submit: '确认退回并通知申请人', kind: 'secondary', done: '已退回，申请人会收到需要补充的清单。' },
  investigate: { label: '录入入户调查', title: '录入入户调查结果', submit: '提交调查结果', kind: 'primary', done: '入户调查已录入，等待乡镇（街道）审核。' },
  review: { label: '审核', title: '审核（乡镇、街道）', submit: '提交审核意见', kind: 'primary', done: '' },
  approve: { label: '批准', title: '批准（县级）', submit: '确认批准', kind: 'primary', done: '已批准，申请人会收到通知。' },
  reject: { label: '不予批准', title: '不予批准（县级）', submit: '确认不予批准', kind: 'danger', done: '已决定不予批准，理由会书面告知申请人。' },
  pay_first: { label: '先行救助', title: '先行救助（急难型临时救助）', submit: '确认先行发放', kind: 'secondary', done: '先行救助已记录，申请继续审核。' },
  submit: { label: '提交申请（代办）', title: '提交代办的申请', submit: '确认提交', kind: 'primary', done: '申请已提交。' },
  withdraw: { label: '撤回申请（代办）', title: '撤回代办的申请', submit: '确认撤回', kind: 'danger', done: '申请已撤回。' },
};

const RELATIONS = Object.keys(RELATION_NAMES).map((key) => ({ key, label: RELATION_NAMES[key] }));

const trimmed = (v) => String(v == null ? '' : v).trim();
const length = (s) => Array.from(s).length;

/** The buttons for an application: the server's allowed_actions that this page knows, in the server's order. */
function buttonsFor(allowed) {
  return (allowed || []).filter((name) => ACTIONS[name]).map((name) => Object.assign({ name }, ACTIONS[name]));
}

/** A member as the investigation form edits it (typed text), from the declared or verified member. */
function memberRow(member = {}) {
  return {
    relation: member.relation || 'other',
    relation_name: RELATION_NAMES[member.relation] || RELATION_NAMES.other,
    age: member.age === undefined || member.age === null ? '' : String(member.age),
    income_yuan: member.monthly_income_fen === undefined ? '' : fenToYuanInput(member.monthly_income_fen),
    disability_grade: member.disability_grade || null,
    student: !!member.student,
  };
}

/** The empty form of an action, filled from the application where it helps (the members to verify). */
function emptyForm(action, app = {}) {
  const form = { comment: '' };
  if (action === 'return') Object.assign(form, { checked: {}, other: '' });
  if (action === 'investigate') {
    const inv = app.investigation || {};
    const members = inv.members && inv.members.length ? inv.members : app.members || [];
    const assets = inv.assets || app.assets || {};
    Object.assign(form, {
      visited_on: '',
      staff: ['', ''],
      members: members.map(memberRow),
      financial_yuan: assets.financial_fen ? fenToYuanInput(assets.financial_fen) : '0',
      vehicles: String(assets.vehicles || 0),
      properties: String(assets.properties || 0),
      notes: '',
    });
  }
  if (action === 'review') Object.assign(form, { decision: '', reasons: '' });
  if (action === 'reject') Object.assign(form, { reasons: '' });
  if (action === 'pay_first') Object.assign(form, { amount_yuan: '' });
  return form;
}

function checkComment(form, errors, body) {
  const comment = trimmed(form.comment);
  if (!comment) return;
  if (length(comment) > LIMITS.comment) errors.comment = `备注最多 ${LIMITS.comment} 个字`;
  else body.comment = comment;
}

function wholeNumber(text, { min = 0, max }) {
  const t = trimmed(text);
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

function buildReturn(form, errors, body, documents) {
  const checked = (documents || []).filter((doc) => form.checked && form.checked[doc]);
  const others = String(form.other || '')
    .split(/[\n；;]/)
    .map((s) => s.trim())
    .filter(Boolean);
  const missing = checked.concat(others);
  if (!missing.length) errors.missing = '请勾选或填写需要补充的材料，一次列全';
  else if (missing.length > LIMITS.missingCount) errors.missing = `一次最多列 ${LIMITS.missingCount} 项`;
  else if (missing.some((m) => length(m) > LIMITS.missingItem)) errors.missing = `每一项最多 ${LIMITS.missingItem} 个字`;
  else body.missing = missing;
}

function buildInvestigate(form, errors, body, app, today) {
  const visited = trimmed(form.visited_on);
  const submittedOn = app.submitted_at ? localDate(app.submitted_at) : '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(visited)) errors.visited_on = '请选择入户调查的日期';
  else if (today && visited > today) errors.visited_on = '调查日期不能晚于今天';
  else if (submittedOn && visited < submittedOn) errors.visited_on = '调查日期不能早于提交申请的日期';
  else body.visited_on = visited;

  const staff = (form.staff || []).map(trimmed).filter(Boolean);
  if (new Set(staff).size < 2) errors.staff = '入户调查须由至少两名工作人员进行，请填写两人姓名';
  else if (staff.length > LIMITS.staffMax) errors.staff = `最多填写 ${LIMITS.staffMax} 人`;
  else if (staff.some((s) => length(s) > LIMITS.staffName)) errors.staff = `每个姓名最多 ${LIMITS.staffName} 个字`;
  else body.staff = staff;

  const rows = form.members || [];
  const members = [];
  if (!rows.length) errors.members = '请至少填写一位家庭成员（申请人本人）';
  else if (rows.length > LIMITS.members) errors.members = `家庭成员最多 ${LIMITS.members} 人`;
  else if (rows.filter((m) => m.relation === 'self').length !== 1) errors.members = '家庭成员中应有且只有一位申请人本人';
  rows.forEach((row, i) => {
    const age = wholeNumber(row.age, { max: LIMITS.maxAge });
    if (age === null) errors[`members.${i}.age`] = `年龄应为 0 到 ${LIMITS.maxAge} 的整数`;
    const income = yuanToFen(row.income_yuan, { maxFen: FEN_MAX, allowZero: true });
    if (!income.ok) errors[`members.${i}.monthly_income_fen`] = income.reason === '请填写金额' ? '请填写核实的月收入（没有收入填 0）' : income.reason;
    const member = { relation: row.relation, age, monthly_income_fen: income.fen };
    if (row.disability_grade) member.disability_grade = Number(row.disability_grade);
    if (row.student) member.student = true;
    members.push(member);
  });
  if (!errors.members && !Object.keys(errors).some((k) => k.indexOf('members.') === 0)) body.members = members;

  const financial = yuanToFen(trimmed(form.financial_yuan) || '0', { maxFen: FEN_MAX, allowZero: true });
  const vehicles = wholeNumber(form.vehicles || '0', { max: 1000 });
  const properties = wholeNumber(form.properties || '0', { max: 1000 });
  if (!financial.ok) errors['assets.financial_fen'] = financial.reason;
  if (vehicles === null) errors['assets.vehicles'] = '车辆数应为 0 到 1000 的整数';
  if (properties === null) errors['assets.properties'] = '房产数应为 0 到 1000 的整数';
  if (financial.ok && vehicles !== null && properties !== null) {
    body.assets = { financial_fen: financial.fen, vehicles, properties };
  }

  const notes = trimmed(form.notes);
  if (length(notes) > LIMITS.notes) errors.notes = `调查情况最多 ${LIMITS.notes} 个字`;
  else if (notes) body.notes = notes;
}

function buildReasons(form, errors, body, required) {
  const reasons = trimmed(form.reasons);
  if (!reasons && required) errors.reasons = required;
  else if (length(reasons) > LIMITS.reasons) errors.reasons = `理由最多 ${LIMITS.reasons} 个字`;
  else if (reasons) body.reasons = reasons;
}

/**
 * buildAction({action, form, app, documents, today}) → {errors, body}: errors null when the form is fine, else
 * {<server field>: '<sentence>'}; body is what POST /applications/{id}/{action} takes, with app.version.
 */
function buildAction({ action, form, app, documents, today }) {
  const errors = {};
  const body = { version: app.version };
  checkComment(form, errors, body);
  if (action === 'return') buildReturn(form, errors, body, documents);
  if (action === 'investigate') buildInvestigate(form, errors, body, app, today);
  if (action === 'review') {
    if (form.decision !== 'approve' && form.decision !== 'reject') errors.decision = '请选择提议批准还是提议不予批准';
    else body.decision = form.decision;
    buildReasons(form, errors, body, form.decision === 'reject' ? '提议不予批准时，请写明理由' : '');
  }
  if (action === 'reject') buildReasons(form, errors, body, '不予批准须写明理由，将书面告知申请人');
  if (action === 'pay_first') {
    const amount = yuanToFen(form.amount_yuan, { maxFen: FEN_MAX });
    if (amount.ok) body.amount_fen = amount.fen;
    else errors.amount_fen = amount.reason === '请填写金额' ? '请填写先行发放的金额' : amount.reason;
  }
  return { errors: Object.keys(errors).length ? errors : null, body };
}

/** The words of the success toast / notice for an action (review depends on the decision). */
function doneText(action, body) {
  if (action === 'review') {
    return body && body.decision === 'approve'
      ? '已提议批准，开始公示；公示期满后报县级批准。'
      : '已提议不予批准，报县级确认。';
  }
  return (ACTIONS[action] && ACTIONS[action].done) || '已办理。';
}

module.exports = {
  ACTIONS,
  RELATIONS,
  LIMITS,
  buttonsFor,
  memberRow,
  emptyForm,
  buildAction,
  doneText,
};
