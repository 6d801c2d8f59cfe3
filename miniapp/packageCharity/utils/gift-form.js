// The 登记捐赠 form: the same rules as the server's DonationCreateSchema and _donation_problems
// (server/schemas/charity.py, server/services/charity.py), checked on the phone before sending, and the
// server's 422 field errors put back onto the same fields.
//
// Field errors are keyed by the server's field names (amount_fen, channel, description, …), so a 422's
// errors.json lands on the field that shows it without a translation table. The two money fields are typed in
// yuan (amount_yuan, estimated_value_yuan) and their errors live under the fen names.
const { yuanToFen } = require('../../utils/money');

const CHANNELS = [
  { key: 'wechat', label: '微信' },
  { key: 'bank', label: '银行转账' },
  { key: 'cash', label: '现金' },
];

const KINDS = [
  { key: 'money', label: '捐款' },
  { key: 'goods', label: '捐物' },
];

// Lengths as the server's validate.Length (characters, not bytes).
const LIMITS = {
  description: 200,
  unit: 8,
  donor_name: 64,
  unit_name: 100,
  department: 64,
  message: 200,
  quantity: 10000000,
};

const EMPTY_FORM = {
  amount_yuan: '',
  channel: '',
  description: '',
  quantity: '',
  unit: '',
  estimated_value_yuan: '',
  donor_name: '',
  unit_name: '',
  department: '',
  anonymous: false,
  message: '',
};

// The input a fen field's error belongs to, and back.
const ERROR_KEY = { amount_yuan: 'amount_fen', estimated_value_yuan: 'estimated_value_fen' };
// Fields the form shows; a server error on any other field is said above the submit button.
const SHOWN = [
  'amount_fen',
  'channel',
  'description',
  'quantity',
  'unit',
  'estimated_value_fen',
  'donor_name',
  'unit_name',
  'department',
  'message',
];

const length = (s) => Array.from(s).length; // code points, as Python's len()
const trimmed = (v) => String(v == null ? '' : v).trim();

function tooLong(name, max) {
  return `${name}最多 ${max} 个字`;
}

/**
 * buildDonation({kind, form, campaignId}) → {errors, body}: errors is null when the form is fine, else
 * {<server field>: '<sentence>'}; body is what POST /charity/donations takes (optional text left out when empty).
 */
function buildDonation({ kind, form, campaignId }) {
  const errors = {};
  const body = { campaign_id: Number(campaignId), kind, anonymous: !!form.anonymous };

  if (kind === 'money') {
    const amount = yuanToFen(form.amount_yuan);
    if (amount.ok) body.amount_fen = amount.fen;
    else errors.amount_fen = amount.reason === '请填写金额' ? '请填写捐款金额' : amount.reason;
    if (CHANNELS.some((c) => c.key === form.channel)) body.channel = form.channel;
    else errors.channel = '请选择捐款方式（微信、银行转账或现金）';
  } else if (kind === 'goods') {
    const description = trimmed(form.description);
    if (!description) errors.description = '请填写物品名称';
    else if (length(description) > LIMITS.description) errors.description = tooLong('物品名称', LIMITS.description);
    else body.description = description;

    const quantity = trimmed(form.quantity);
    if (!quantity) errors.quantity = '请填写数量';
    else if (!/^\d+$/.test(quantity) || Number(quantity) < 1) errors.quantity = '数量应为大于 0 的整数';
    else if (Number(quantity) > LIMITS.quantity) errors.quantity = '数量最多 10000000';
    else body.quantity = Number(quantity);

    const unit = trimmed(form.unit);
    if (!unit) errors.unit = '请填写单位（件、箱、袋……）';
    else if (length(unit) > LIMITS.unit) errors.unit = tooLong('单位', LIMITS.unit);
    else body.unit = unit;

    const value = yuanToFen(form.estimated_value_yuan);
    if (value.ok) body.estimated_value_fen = value.fen;
    else errors.estimated_value_fen = value.reason === '请填写金额' ? '请填写估价' : value.reason;
  } else {
    errors.kind = '请选择捐款还是捐物';
  }

  [
    ['donor_name', '捐赠人姓名'],
    ['unit_name', '单位名称'],
    ['department', '部门'],
    ['message', '留言'],
  ].forEach(([field, name]) => {
    const value = trimmed(form[field]);
    if (!value) return;
    if (length(value) > LIMITS[field]) errors[field] = tooLong(name, LIMITS[field]);
    else body[field] = value;
  });

  return { errors: Object.keys(errors).length ? errors : null, body };
}

/** The fen fields' server messages speak of fen; the donor typed yuan. */
function readable(field, text) {
  if (field === 'amount_fen' || field === 'estimated_value_fen') {
    return text.replace(/（单位：分）|（分）/g, '');
  }
  return text;
}

/**
 * A 422's errors ({json: {amount_fen: ['…']}, headers: {...}}) → {fields, other}: fields for the form's own
 * fields, other: one sentence for everything else (or '').
 */
function serverErrors(err) {
  const byLocation = (err && err.errors) || {};
  const fields = {};
  const other = [];
  Object.keys(byLocation).forEach((location) => {
    const list = byLocation[location] || {};
    Object.keys(list).forEach((field) => {
      const value = list[field];
      const text = Array.isArray(value) ? value.join('') : String(value);
      if (location === 'json' && SHOWN.indexOf(field) >= 0) fields[field] = readable(field, text);
      else other.push(text);
    });
  });
  return { fields, other: other.join('') };
}

module.exports = {
  CHANNELS,
  KINDS,
  LIMITS,
  EMPTY_FORM,
  ERROR_KEY,
  buildDonation,
  serverErrors,
};
