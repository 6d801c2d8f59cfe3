// 时间银行 (/api/v1/timebank, every endpoint needs login): one function per endpoint. Lives in the subpackage
// because only the subpackage's pages use it (the main package stays small).
const { request } = require('../../utils/request');

const BASE = '/timebank';
const idem = (key) => (key ? { 'Idempotency-Key': key } : undefined);
const pageArgs = ({ page = 1, pageSize = 20 } = {}) => ({ page, page_size: pageSize });

// ---- volunteers ----

/** POST /volunteers {skills, team}: register (again: update skills and team). 409 profile_incomplete. */
function register({ skills, team }) {
  const data = { skills };
  if (team) data.team = team;
  return request({ url: `${BASE}/volunteers`, method: 'POST', data });
}

/** GET /volunteers/me: 404 (not_volunteer) when not registered. */
function myVolunteer() {
  return request({ url: `${BASE}/volunteers/me` });
}

// ---- opportunities and bookings ----

/** GET /opportunities: future slots with places_left; nearest first with lat/lng, else soonest first. */
function listOpportunities({ lat, lng, regionCode, skill, from, to, page, pageSize } = {}) {
  const data = pageArgs({ page, pageSize });
  if (lat !== undefined && lng !== undefined) Object.assign(data, { lat, lng, coord_type: 'gcj02' });
  if (regionCode) data.region_code = regionCode;
  if (skill) data.skill = skill;
  if (from) data.from = from;
  if (to) data.to = to;
  return request({ url: `${BASE}/opportunities`, data });
}

/** GET /opportunities/{id}. */
function getOpportunity(id) {
  return request({ url: `${BASE}/opportunities/${id}` });
}

/** POST /opportunities/{id}/bookings with an Idempotency-Key: a retry with the same key books once. */
function book(id, key) {
  return request({ url: `${BASE}/opportunities/${id}/bookings`, method: 'POST', header: idem(key) });
}

/** GET /bookings: my bookings, latest first. */
function myBookings(args) {
  return request({ url: `${BASE}/bookings`, data: Object.assign({ mine: 1 }, pageArgs(args)) });
}

/** DELETE /bookings/{id}: 409 too_late_to_cancel close to the start. */
function cancelBooking(id) {
  return request({ url: `${BASE}/bookings/${id}`, method: 'DELETE' });
}

/** The body of a check-in / check-out: the phone's GCJ-02 position, or the site's 6-digit code. */
function presence({ lat, lng, code }) {
  return code !== undefined ? { code } : { lat, lng, coord_type: 'gcj02' };
}

/** POST /bookings/{id}/check-in: 422 errors.json.lat when too far, errors.json.code for a wrong code. */
function checkIn(id, proof) {
  return request({ url: `${BASE}/bookings/${id}/check-in`, method: 'POST', data: presence(proof) });
}

/** POST /bookings/{id}/check-out: answers served_minutes and the service log made for approval. */
function checkOut(id, proof) {
  return request({ url: `${BASE}/bookings/${id}/check-out`, method: 'POST', data: presence(proof) });
}

// ---- the account ----

/** GET /account: balance, held, earned, star level, ledger entries (paginated), certificate summary. */
function getAccount(args) {
  return request({ url: `${BASE}/account`, data: pageArgs(args) });
}

/** POST /transfers {phone, real_name, minutes, relation} with an Idempotency-Key. */
function transfer({ phone, realName, minutes, relation }, key) {
  const data = { phone, real_name: realName, minutes };
  if (relation) data.relation = relation;
  return request({ url: `${BASE}/transfers`, method: 'POST', data, header: idem(key) });
}

// ---- asking for care ----

/** POST /redemptions with an Idempotency-Key: the hours are held at once; 409 insufficient_balance. */
function redeem(form, key) {
  const data = {
    service: form.service,
    wanted_on: form.wantedOn,
    place: form.place,
    region_code: form.regionCode,
    minutes: form.minutes,
  };
  if (form.recipientName) data.recipient_name = form.recipientName;
  if (form.recipientRelation) data.recipient_relation = form.recipientRelation;
  if (form.note) data.note = form.note;
  return request({ url: `${BASE}/redemptions`, method: 'POST', data, header: idem(key) });
}

/** GET /redemptions?mine=1: my requests for care. */
function myRedemptions(args) {
  return request({ url: `${BASE}/redemptions`, data: Object.assign({ mine: 1 }, pageArgs(args)) });
}

/** POST /redemptions/{id}/cancel: the held hours come back. */
function cancelRedemption(id) {
  return request({ url: `${BASE}/redemptions/${id}/cancel`, method: 'POST', data: {} });
}

// ---- service logs ----

/** GET /service-logs?to_confirm=1: service someone logged for me (or my family), waiting for my word. */
function logsToConfirm(args) {
  return request({ url: `${BASE}/service-logs`, data: Object.assign({ to_confirm: 1 }, pageArgs(args)) });
}

/** POST /service-logs/{id}/confirm. */
function confirmLog(id) {
  return request({ url: `${BASE}/service-logs/${id}/confirm`, method: 'POST' });
}

module.exports = {
  register,
  myVolunteer,
  listOpportunities,
  getOpportunity,
  book,
  myBookings,
  cancelBooking,
  checkIn,
  checkOut,
  getAccount,
  transfer,
  redeem,
  myRedemptions,
  cancelRedemption,
  logsToConfirm,
  confirmLog,
};
