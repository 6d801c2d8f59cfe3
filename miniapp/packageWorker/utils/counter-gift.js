// 登记现场捐赠: a gift handed in at the counter, logged by the worker for the donor (it is recorded as 已收到).
// The rules are the server's (schemas/charity.py DonationCreateSchema, services/charity.py log_donation): a
// worker must name the donor; money needs an amount and a channel, goods a description, quantity, unit and an
// estimated value. Errors are keyed by the server's field names so a 422 lands on the same fields. The fields,
// their limits and checks are the donor's 登记捐赠 form's too (utils/donation.js).
const donation = require('../../utils/donation');

const { KINDS, LIMITS, ERROR_KEY, putText, putQuantity, putFen } = donation;

const CHANNELS = [
  { key: 'cash', label: '现金' },
  { key: 'bank', label: '银行转账' },
  { key: 'wechat', label: '微信' },
];

const EMPTY_FORM = Object.assign({}, donation.EMPTY_FORM, { channel: 'cash' });
const SHOWN = ['campaign_id'].concat(donation.SHOWN);

/** buildCounterGift({campaignId, kind, form}) → {errors, body}: errors null when fine; body for POST /charity/donations. */
function buildCounterGift({ campaignId, kind, form }) {
  const out = { errors: {}, body: { kind, anonymous: !!form.anonymous } };
  if (!campaignId) out.errors.campaign_id = '请选择募捐活动';
  else out.body.campaign_id = Number(campaignId);

  if (kind === 'money') {
    putFen(out, form, 'amount_yuan', '请填写捐款金额');
    if (CHANNELS.some((c) => c.key === form.channel)) out.body.channel = form.channel;
    else out.errors.channel = '请选择收款方式';
  } else if (kind === 'goods') {
    putText(out, form, 'description', '物品名称', '请填写物品名称');
    putQuantity(out, form, '数量应为大于 0 的整数');
    putText(out, form, 'unit', '单位', '请填写单位（件、箱、袋……）');
    putFen(out, form, 'estimated_value_yuan', '请填写估价');
  } else {
    out.errors.kind = '请选择捐款还是捐物';
  }

  putText(out, form, 'donor_name', '捐赠人', '请填写捐赠人姓名或单位名称，收据上会写这个名字');
  [
    ['unit_name', '单位名称'],
    ['department', '部门'],
    ['message', '留言'],
  ].forEach(([field, name]) => putText(out, form, field, name));

  return { errors: Object.keys(out.errors).length ? out.errors : null, body: out.body };
}

module.exports = { CHANNELS, KINDS, LIMITS, EMPTY_FORM, ERROR_KEY, SHOWN, buildCounterGift };
