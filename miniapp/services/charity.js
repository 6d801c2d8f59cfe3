// 慈善: campaigns, work units, my gifts and receipts, and the public ledger (阳光民政), one function per
// endpoint. Campaigns, units and the ledger are public and sent without a token; gifts need login.
// Money is integer fen in both directions (utils/money.js turns typed yuan into fen).
const { request, download } = require('../utils/request');

/** GET /charity/campaigns: campaigns with live totals, the latest first. */
function listCampaigns({ page = 1, pageSize = 20 } = {}) {
  return request({ url: '/charity/campaigns', data: { page, page_size: pageSize }, auth: false });
}

/** GET /charity/campaigns/{id}: received, goods, pledged, donors, disbursed, balance, progress. */
function getCampaign(id) {
  return request({ url: `/charity/campaigns/${id}`, auth: false });
}

/** GET /charity/units?q=: work units (单位) whose name contains q, to pick one when giving. */
function searchUnits(q, { pageSize = 8 } = {}) {
  return request({ url: '/charity/units', data: { q, page_size: pageSize }, auth: false });
}

/**
 * POST /charity/donations with the form's Idempotency-Key (required). The same key with the same body
 * returns the gift already logged (200, Idempotent-Replayed) instead of logging it twice.
 */
function logDonation(body, idempotencyKey) {
  return request({
    url: '/charity/donations',
    method: 'POST',
    data: body,
    header: { 'Idempotency-Key': idempotencyKey },
  });
}

/** GET /charity/donations?mine=1: my gifts, the latest first. */
function myDonations({ page = 1, pageSize = 20 } = {}) {
  return request({ url: '/charity/donations', data: { mine: 1, page, page_size: pageSize } });
}

/** GET /charity/donations/{id}: one of my gifts. */
function getDonation(id) {
  return request({ url: `/charity/donations/${id}` });
}

/** GET /charity/donations/{id}/receipt: the receipt as JSON (409 not_confirmed before confirmation). */
function getReceipt(id) {
  return request({ url: `/charity/donations/${id}/receipt` });
}

/** GET /charity/donations/{id}/receipt?format=pdf, downloaded with the token → the temp file path. */
function downloadReceiptPdf(id) {
  return download({ url: `/charity/donations/${id}/receipt?format=pdf` });
}

/** GET /public/charity/campaigns/{id}/report: the public ledger, money in and out. */
function campaignReport(id) {
  return request({ url: `/public/charity/campaigns/${id}/report`, auth: false });
}

module.exports = {
  listCampaigns,
  getCampaign,
  searchUnits,
  logDonation,
  myDonations,
  getDonation,
  getReceipt,
  downloadReceiptPdf,
  campaignReport,
};
