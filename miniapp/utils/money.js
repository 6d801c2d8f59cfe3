// Money on the phone: what a resident types is yuan ("100", "100.5", "100.55"); what the API takes is integer fen.
// The conversion is done on the digits as a string, never with floats (0.1 + 0.2 !== 0.3, and
// 4.35 * 100 === 434.99999999999994). Shared by 慈善 (a gift: at least 1 fen, at most 100 000 000 yuan, the
// server's services/charity.py MAX_GIFT_FEN) and 救助 (incomes and assets: 0 allowed, at most the server's
// schemas/assistance.py FEN_MAX), which pass their own bounds.

const MAX_YUAN = 100000000;
const MAX_FEN = MAX_YUAN * 100; // 10^10 fen, well inside Number.MAX_SAFE_INTEGER

const MESSAGES = {
  empty: '请填写金额',
  notNumber: '请填写数字金额，例如 100 或 100.50',
  tooPrecise: '金额最多填到分（小数点后两位）',
  notPositive: '金额必须大于 0',
  tooLarge: '单笔捐赠最多 1 亿元',
};

// Full-width digits and the full-width point, as some Chinese keyboards type them.
function halfWidth(text) {
  return text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[。．]/g, '.');
}

/**
 * yuanToFen('100.5') → {ok: true, fen: 10050}; yuanToFen('100.555') → {ok: false, reason: '…'}.
 * Accepts digits with an optional point and at most two decimals ("100", "100.", "0.5", ".5").
 * Refuses a sign, letters, separators and more than two decimals; by default also zero and anything above
 * 100 000 000 yuan (a gift). Options: allowZero (an income may be 0), maxFen and tooLarge (the message).
 */
function yuanToFen(value, { allowZero = false, maxFen = MAX_FEN, tooLarge = MESSAGES.tooLarge } = {}) {
  const text = halfWidth(String(value == null ? '' : value).trim());
  if (!text) return { ok: false, reason: MESSAGES.empty };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] === '' && !m[2])) return { ok: false, reason: MESSAGES.notNumber };
  const whole = m[1].replace(/^0+/, '');
  const decimals = m[2] || '';
  if (decimals.length > 2) return { ok: false, reason: MESSAGES.tooPrecise };
  // yuan digits followed by exactly two fen digits: "100" + "50" → "10050".
  const digits = (whole + (decimals + '00').slice(0, 2)).replace(/^0+/, '');
  if (!digits) return allowZero ? { ok: true, fen: 0 } : { ok: false, reason: MESSAGES.notPositive };
  // More digits than the limit has is more than the limit; checked before parsing, so no huge number is built.
  if (digits.length > String(maxFen).length) return { ok: false, reason: tooLarge };
  const fen = parseInt(digits, 10);
  if (fen > maxFen) return { ok: false, reason: tooLarge };
  return { ok: true, fen };
}

/** 10050 → "100.50" (for putting an amount back into a field): integer arithmetic only. */
function fenToYuanInput(fen) {
  const n = Math.abs(Math.trunc(Number(fen) || 0));
  const yuan = Math.floor(n / 100);
  const rest = n % 100;
  return rest ? `${yuan}.${String(rest).padStart(2, '0')}` : String(yuan);
}

module.exports = {
  MAX_YUAN,
  MAX_FEN,
  MESSAGES,
  yuanToFen,
  fenToYuanInput,
};
