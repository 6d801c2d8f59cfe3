// The real-name form (实名信息) as PATCH /me takes it: server/schemas/users.py UserUpdateSchema and
// server/services/users.py _clean_profile_fields, checked on the phone before sending. Errors are keyed by the
// server's own field names (real_name, id_number, phone, region_code), so a 422's errors.json lands on the same
// field after utils/errors.js flattenErrors() without a translation table.
//
// The server's rules, field by field (each value is stripped first):
// - real_name: 2 to 20 characters (code points, as Python's len());
// - id_number: GB 11643 (utils/idcard.js, the same check as identity.id_number_problem), upper-case X; once set it
//   cannot be changed by its owner (409 id_number_locked), and one number belongs to one account (409 _taken);
// - phone: an 11-digit mainland mobile number, 1[3-9]xxxxxxxxx; one number, one account (409 phone_taken);
// - region_code: a region that exists. The phone asks for more: a community (村/社区), because a 救助
//   application is filed at the community of the applicant's profile and the server refuses any other level there.
// Every field may be left out of the body; only what is filled in and changes is sent.
const { checkIdNumber, normalizeIdNumber } = require('../../utils/idcard');
const { flattenErrors } = require('../../utils/errors');

const FIELDS = ['real_name', 'id_number', 'phone', 'region_code'];
const LIMITS = { nameMin: 2, nameMax: 20, idNumber: 18, phone: 11 };
const MOBILE = /^1[3-9]\d{9}$/;
const COMMUNITY = 'community';

const MSG = {
  nameEmpty: '请填写姓名，与身份证上的一致。',
  nameLength: `姓名应为 ${LIMITS.nameMin} 到 ${LIMITS.nameMax} 个字。`,
  phone: '请填写 11 位手机号码。',
  regionEmpty: '请选择您所在的社区（村）。',
  regionLevel: '请一直选到社区（村）一级：在下面点您所在的社区或村。',
};

// 409s that are about one field: shown next to it, like a 422.
const CONFLICT_FIELDS = {
  id_number_taken: 'id_number',
  id_number_locked: 'id_number',
  phone_taken: 'phone',
};

const length = (s) => Array.from(String(s)).length;
const text = (v) => String(v == null ? '' : v);
const halfWidth = (s) => s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/** A name as the server keeps it: no surrounding spaces. */
function cleanName(value) {
  return text(value).trim();
}

/** A mobile number as typed with spaces, dashes or full-width digits → 11 plain digits (or what is left). */
function cleanPhone(value) {
  return halfWidth(text(value)).replace(/[\s-]/g, '');
}

/** A region's level, from the region itself, else from its code (12 digits: a community). */
function levelOf(region) {
  if (!region) return '';
  if (region.level) return region.level;
  return /^\d{12}$/.test(text(region.code)) && !/000$/.test(text(region.code)) ? COMMUNITY : '';
}

/**
 * buildUpdate({form, profile, region}) → {errors, body}.
 * form: {real_name, id_number, phone} as typed; profile: GET /me's answer (masked: it tells what is already set);
 * region: the community chosen, or the profile's own ({code, level}), or null.
 * errors is null when the form is fine, else {<server field>: '<sentence>'}; body holds only what is filled in
 * and differs from the profile (a field left empty keeps what the server has).
 */
function buildUpdate({ form = {}, profile = {}, region = null } = {}) {
  const errors = {};
  const body = {};
  const has = (field) => Boolean(profile && profile[field]);

  const name = cleanName(form.real_name);
  if (!name) {
    if (!has('real_name')) errors.real_name = MSG.nameEmpty;
  } else if (length(name) < LIMITS.nameMin || length(name) > LIMITS.nameMax) {
    errors.real_name = MSG.nameLength;
  } else {
    body.real_name = name;
  }

  if (!has('id_number')) {
    const check = checkIdNumber(form.id_number);
    if (check.ok) body.id_number = normalizeIdNumber(form.id_number);
    else errors.id_number = check.reason;
  }

  const phone = cleanPhone(form.phone);
  if (phone) {
    if (MOBILE.test(phone)) body.phone = phone;
    else errors.phone = MSG.phone;
  }

  if (!region || !region.code) errors.region_code = MSG.regionEmpty;
  else if (levelOf(region) !== COMMUNITY) errors.region_code = MSG.regionLevel;
  else if (region.code !== (profile && profile.region_code)) body.region_code = region.code;

  return { errors: Object.keys(errors).length ? errors : null, body };
}

// POST /me/phone's body is {code}: what the server says about the code (invalid, used or expired; a number
// outside the mainland) is said next to the phone field.
const PHONE_CODE_FIELDS = { code: 'phone' };

/**
 * What the server refused, for the form: {fields, other}. A 422's field errors and the 409s about one field
 * (ID or phone number bound to another account, ID number locked) land on their fields; anything else is
 * `other`, one sentence for the whole form. `onto` renames the fields of another body onto the form's
 * ({code: 'phone'} for POST /me/phone, PHONE_CODE_FIELDS).
 */
function serverErrors(err, onto = {}) {
  if (err && err.statusCode === 409 && CONFLICT_FIELDS[err.error]) {
    return { fields: { [CONFLICT_FIELDS[err.error]]: err.message }, other: '' };
  }
  const flat = flattenErrors(err);
  const fields = {};
  const other = flat.other ? [flat.other] : [];
  Object.keys(flat.fields).forEach((name) => {
    const field = onto[name] || name;
    if (FIELDS.indexOf(field) >= 0) fields[field] = fields[field] ? fields[field] + flat.fields[name] : flat.fields[name];
    else other.push(flat.fields[name]);
  });
  return { fields, other: other.join('') };
}

module.exports = {
  FIELDS,
  LIMITS,
  PHONE_CODE_FIELDS,
  MSG,
  cleanName,
  cleanPhone,
  levelOf,
  buildUpdate,
  serverErrors,
};
