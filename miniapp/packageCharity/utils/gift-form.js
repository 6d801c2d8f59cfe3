// The 登记捐赠 form: the same rules as the server's DonationCreateSchema and _donation_problems
// (server/schemas/charity.py, server/services/charity.py), checked on the phone before sending, and the
// server's 422 field errors put back onto the same fields.
//
// Field errors are keyed by the server's field names (amount_fen, channel, description, …), so a 422's
// errors.json lands on the field that shows it without a translation table. The two money fields are typed in
// yuan (amount_yuan, estimated_value_yuan) and their errors live under the fen names. The fields, their limits
// and checks are the counter's too (utils/donation.js); a server error on a field the form does not show is
// said above the submit button.
const { KINDS, LIMITS, EMPTY_FORM, ERROR_KEY, SHOWN, putText, putQuantity, putFen } = require('../../utils/donation');

const CHANNELS = [
  { key: 'wechat', label: '微信' },
  { key: 'bank', label: '银行转账' },
  { key: 'cash', label: '现金' },
];

/**
 * buildDonation({kind, form, campaignId}) → {errors, body}: errors is null when the form is fine, else
 * {<server field>: '<sentence>'}; body is what POST /charity/donations takes (optional text left out when empty).
 */
function buildDonation({ kind, form, campaignId }) {
  const out = { errors: {}, body: { campaign_id: Number(campaignId), kind, anonymous: !!form.anonymous } };

  if (kind === 'money') {
    putFen(out, form, 'amount_yuan', '请填写捐款金额');
    if (CHANNELS.some((c) => c.key === form.channel)) out.body.channel = form.channel;
    else out.errors.channel = '请选择捐款方式（微信、银行转账或现金）';
  } else if (kind === 'goods') {
    putText(out, form, 'description', '物品名称', '请填写物品名称');
    putQuantity(out, form, '请填写数量');
    putText(out, form, 'unit', '单位', '请填写单位（件、箱、袋……）');
    putFen(out, form, 'estimated_value_yuan', '请填写估价');
  } else {
    out.errors.kind = '请选择捐款还是捐物';
  }

  [
    ['donor_name', '捐赠人姓名'],
    ['unit_name', '单位名称'],
    ['department', '部门'],
    ['message', '留言'],
  ].forEach(([field, name]) => putText(out, form, field, name));

  return { errors: Object.keys(out.errors).length ? out.errors : null, body: out.body };
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
