// What the two gift forms share, the donor's 登记捐赠 (packageCharity/utils/gift-form.js) and the worker's
// 登记现场捐赠 (packageWorker/utils/counter-gift.js): the fields of POST /charity/donations and the server's
// rules for them (server/schemas/charity.py DonationCreateSchema). Errors are keyed by the server's field names,
// so a 422's errors.json lands on the field that shows it. Each put* check takes `out` = {errors, body} and puts
// the field's value into the body or its error into the errors.
const { yuanToFen, MESSAGES } = require('./money');

const KINDS = [
  { key: 'money', label: '捐款' },
  { key: 'goods', label: '捐物' },
];

// Lengths as the server's validate.Length (characters, not bytes).
const LIMITS = { description: 200, unit: 8, donor_name: 64, unit_name: 100, department: 64, message: 200, quantity: 10000000 };

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

// The two money fields are typed in yuan; their errors live under the fen names.
const ERROR_KEY = { amount_yuan: 'amount_fen', estimated_value_yuan: 'estimated_value_fen' };
// The server fields the form shows next to an input.
const SHOWN = ['amount_fen', 'channel', 'description', 'quantity', 'unit', 'estimated_value_fen', 'donor_name', 'unit_name', 'department', 'message'];

const length = (s) => Array.from(s).length; // code points, as Python's len()
const trimmed = (v) => String(v == null ? '' : v).trim();

/** form[field] trimmed, at most LIMITS[field] characters. Empty: the error `emptyText`, or left out without one. */
function putText(out, form, field, name, emptyText) {
  const value = trimmed(form[field]);
  if (!value) {
    if (emptyText) out.errors[field] = emptyText;
    return;
  }
  if (length(value) > LIMITS[field]) out.errors[field] = `${name}最多 ${LIMITS[field]} 个字`;
  else out.body[field] = value;
}

/** The quantity of goods: a whole number from 1 to LIMITS.quantity. Empty: the error `emptyText`. */
function putQuantity(out, form, emptyText) {
  const quantity = trimmed(form.quantity);
  if (!quantity) out.errors.quantity = emptyText;
  else if (!/^\d+$/.test(quantity) || Number(quantity) < 1) out.errors.quantity = '数量应为大于 0 的整数';
  else if (Number(quantity) > LIMITS.quantity) out.errors.quantity = '数量最多 10000000';
  else out.body.quantity = Number(quantity);
}

/** A yuan field (amount_yuan, estimated_value_yuan) as fen of a gift, under its fen name. Empty: `emptyText`. */
function putFen(out, form, yuanField, emptyText) {
  const key = ERROR_KEY[yuanField];
  const r = yuanToFen(form[yuanField]);
  if (r.ok) out.body[key] = r.fen;
  else out.errors[key] = r.reason === MESSAGES.empty ? emptyText : r.reason;
}

module.exports = { KINDS, LIMITS, EMPTY_FORM, ERROR_KEY, SHOWN, putText, putQuantity, putFen };
