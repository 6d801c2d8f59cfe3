// 登记现场捐赠: a gift handed in at the counter, logged by the worker for the donor (it is recorded as 已收到).
// The rules are the server's (schemas/charity.py DonationCreateSchema, services/charity.py log_donation): a
// worker must name the donor; money needs an amount and a channel, goods a description, quantity, unit and an
// estimated value. Errors are keyed by the server's field names so a 422 lands on the same fields.
const { yuanToFen } = require('./money');

const MAX_GIFT_FEN = 10000000000; // services/charity.py: 100 000 000 yuan in one gift

const CHANNELS = [
  { key: 'cash', label: '现金' },
  { key: 'bank', label: '银行转账' },
  { key: 'wechat', label: '微信' },
];

const KINDS = [
  { key: 'money', label: '捐款' },
  { key: 'goods', label: '捐物' },
];

const LIMITS = { description: 200, unit: 8, donor_name: 64, unit_name: 100, department: 64, message: 200, quantity: 10000000 };

const EMPTY_FORM = {
  amount_yuan: '',
  channel: 'cash',
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

// The typed yuan fields and the fen fields their errors belong to.
const ERROR_KEY = { amount_yuan: 'amount_fen', estimated_value_yuan: 'estimated_value_fen' };
const SHOWN = ['campaign_id', 'amount_fen', 'channel', 'description', 'quantity', 'unit', 'estimated_value_fen', 'donor_name', 'unit_name', 'department', 'message'];

const trimmed = (v) => String(v == null ? '' : v).trim();
const length = (s) => Array.from(s).length;

function money(value, emptyText) {
  const r = yuanToFen(value, { maxFen: MAX_GIFT_FEN, tooLarge: '单笔捐赠最多 1 亿元' });
  if (r.ok) return r;
  return { ok: false, reason: r.reason === '请填写金额' ? emptyText : r.reason };
}

/** buildCounterGift({campaignId, kind, form}) → {errors, body}: errors null when fine; body for POST /charity/donations. */
function buildCounterGift({ campaignId, kind, form }) {
  const errors = {};
  const body = { kind, anonymous: !!form.anonymous };
  if (!campaignId) errors.campaign_id = '请选择募捐活动';
  else body.campaign_id = Number(campaignId);

  if (kind === 'money') {
    const amount = money(form.amount_yuan, '请填写捐款金额');
    if (amount.ok) body.amount_fen = amount.fen;
    else errors.amount_fen = amount.reason;
    if (CHANNELS.some((c) => c.key === form.channel)) body.channel = form.channel;
    else errors.channel = '请选择收款方式';
  } else if (kind === 'goods') {
    const description = trimmed(form.description);
    if (!description) errors.description = '请填写物品名称';
    else if (length(description) > LIMITS.description) errors.description = `物品名称最多 ${LIMITS.description} 个字`;
    else body.description = description;
    const quantity = trimmed(form.quantity);
    if (!/^\d+$/.test(quantity) || Number(quantity) < 1) errors.quantity = '数量应为大于 0 的整数';
    else if (Number(quantity) > LIMITS.quantity) errors.quantity = '数量最多 10000000';
    else body.quantity = Number(quantity);
    const unit = trimmed(form.unit);
    if (!unit) errors.unit = '请填写单位（件、箱、袋……）';
    else if (length(unit) > LIMITS.unit) errors.unit = `单位最多 ${LIMITS.unit} 个字`;
    else body.unit = unit;
    const value = money(form.estimated_value_yuan, '请填写估价');
    if (value.ok) body.estimated_value_fen = value.fen;
    else errors.estimated_value_fen = value.reason;
  } else {
    errors.kind = '请选择捐款还是捐物';
  }

  const donor = trimmed(form.donor_name);
  if (!donor) errors.donor_name = '请填写捐赠人姓名或单位名称，收据上会写这个名字';
  else if (length(donor) > LIMITS.donor_name) errors.donor_name = `捐赠人最多 ${LIMITS.donor_name} 个字`;
  else body.donor_name = donor;

  [
    ['unit_name', '单位名称'],
    ['department', '部门'],
    ['message', '留言'],
  ].forEach(([field, name]) => {
    const value = trimmed(form[field]);
    if (!value) return;
    if (length(value) > LIMITS[field]) errors[field] = `${name}最多 ${LIMITS[field]} 个字`;
    else body[field] = value;
  });

  return { errors: Object.keys(errors).length ? errors : null, body };
}

module.exports = { CHANNELS, KINDS, LIMITS, EMPTY_FORM, ERROR_KEY, SHOWN, buildCounterGift };
