// Citizen ID number check (GB 11643-1999), the same rule as the server's (server/services/identity.py
// id_number_problem): 18 characters, the first 17 digits, a province-level region code that exists (GB/T 2260, plus
// Taiwan, Hong Kong and Macao) and a county part that is not 0000, a real birth date (not after today in China), and
// the check character "10X98765432"[Σ dᵢ·wᵢ mod 11]. A lower-case x is taken as X.
//
// Earliest birth year: 1800, not 1900. POLICY.md's valid examples include the standard's own sample
// 440524188001010014 (born 1880-01-01), which a year ≥ 1900 rule would refuse; the server must use the same bound.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const EARLIEST_YEAR = 1800;
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
// identity.py PROVINCE_CODES.
const PROVINCE_CODES = '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82'.split(' ');

/** The form to send to the server: no surrounding spaces, upper-case X. */
function normalizeIdNumber(value) {
  return String(value == null ? '' : value).trim().toUpperCase();
}

function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** Today's date in China as a number YYYYMMDD. */
function todayInChina(now) {
  const d = new Date(now.getTime() + CHINA_OFFSET_MS);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

function isRealDate(year, month, day) {
  if (year < EARLIEST_YEAR || month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * checkIdNumber('330802195001010012') → {ok: true, reason: ''}
 * On failure, reason is one sentence a resident can act on.
 */
function checkIdNumber(value, now = new Date()) {
  const id = normalizeIdNumber(value);
  if (!id) return { ok: false, reason: '请填写身份证号码。' };
  if (id.length !== 18) return { ok: false, reason: '身份证号码应为18位，请核对后重新填写。' };
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { ok: false, reason: '身份证号码前17位应为数字，最后一位为数字或字母X。' };
  }
  if (PROVINCE_CODES.indexOf(id.slice(0, 2)) < 0 || id.slice(2, 6) === '0000') {
    return { ok: false, reason: '身份证号码的前6位（地区码）不正确，请核对后重新填写。' };
  }

  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (!isRealDate(year, month, day)) {
    return { ok: false, reason: '身份证号码中的出生日期不正确，请核对后重新填写。' };
  }
  if (year * 10000 + month * 100 + day > todayInChina(now)) {
    return { ok: false, reason: '身份证号码中的出生日期晚于今天，请核对后重新填写。' };
  }

  if (checkChar(id.slice(0, 17)) !== id[17]) {
    return { ok: false, reason: '身份证号码最后一位校验码不对，请核对后重新填写。' };
  }
  return { ok: true, reason: '' };
}

module.exports = {
  checkIdNumber,
  normalizeIdNumber,
};
