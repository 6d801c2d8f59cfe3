// 捐赠确认 for workers: the gifts logged in their scope, confirmed or voided, and a gift taken at the counter
// (server/api/charity.py). The campaigns come from the main package's services/charity.js.
const { request } = require('../../utils/request');

/** GET /charity/donations?status=: for a worker, the gifts in their scope, newest first. */
function listGifts({ status, page = 1, pageSize = 20 } = {}) {
  const data = { page, page_size: pageSize };
  if (status) data.status = status;
  return request({ url: '/charity/donations', data });
}

/** POST /charity/donations/{id}/confirm: the money or goods arrived; the receipt is issued. */
function confirmGift(id) {
  return request({ url: `/charity/donations/${id}/confirm`, method: 'POST', data: {} });
}

/** POST /charity/donations/{id}/void {reason}. */
function voidGift(id, reason) {
  return request({ url: `/charity/donations/${id}/void`, method: 'POST', data: { reason } });
}

/**
 * POST /charity/donations with donor_name: a gift taken at the counter, logged as received. The
 * Idempotency-Key is required and made once per form, so a retry never logs twice.
 */
function logCounterGift(body, idempotencyKey) {
  return request({
    url: '/charity/donations',
    method: 'POST',
    data: body,
    header: { 'Idempotency-Key': idempotencyKey },
  });
}

module.exports = {
  listGifts,
  confirmGift,
  voidGift,
  logCounterGift,
};
