// Yuan typed on the phone ("100", "100.5") → integer fen for the API, on the digits as a string, never with
// floats (4.35 * 100 === 434.99999999999994). Full-width digits are accepted, as some keyboards type them.

const MESSAGES = {
  empty: '请填写金额',
  notNumber: '请填写数字金额，例如 100 或 100.50',
  tooPrecise: '金额最多填到分（小数点后两位）',
  notPositive: '金额必须大于 0',
};

function halfWidth(text) {
  return text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[。．]/g, '.');
}

/**
 * yuanToFen('100.5', {maxFen, allowZero}) → {ok: true, fen: 10050} or {ok: false, reason}.
 * maxFen: the server's upper bound (its message is used when passed); allowZero for incomes.
 */
function yuanToFen(value, { maxFen = 1000000000, allowZero = false, tooLarge } = {}) {
  const text = halfWidth(String(value == null ? '' : value).trim());
  if (!text) return { ok: false, reason: MESSAGES.empty };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] === '' && !m[2])) return { ok: false, reason: MESSAGES.notNumber };
  const decimals = m[2] || '';
  if (decimals.length > 2) return { ok: false, reason: MESSAGES.tooPrecise };
  const digits = (m[1].replace(/^0+/, '') + (decimals + '00').slice(0, 2)).replace(/^0+/, '');
  if (!digits && !allowZero) return { ok: false, reason: MESSAGES.notPositive };
  const tooBig = tooLarge || `金额最多 ${Math.floor(maxFen / 100)} 元`;
  if (digits.length > String(maxFen).length) return { ok: false, reason: tooBig };
  const fen = digits ? parseInt(digits, 10) : 0;
  if (fen > maxFen) return { ok: false, reason: tooBig };
  return { ok: true, fen };
}

/** 10050 → '100.5'; 48000 → '480' (for putting an amount back into a field). */
function fenToYuanInput(fen) {
  const n = Math.abs(Math.trunc(Number(fen) || 0));
  const rest = n % 100;
  if (!rest) return String(Math.floor(n / 100));
  return `${Math.floor(n / 100)}.${String(rest).padStart(2, '0')}`.replace(/0$/, '');
}

module.exports = { MESSAGES, yuanToFen, fenToYuanInput };
