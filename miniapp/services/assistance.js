// 社会救助: programs, the self-check, and my applications, one function per endpoint of /assistance
// (server/api/assistance.py). The programs and the self-check are public and sent without a token; everything
// about an application needs login. Money is integer fen both ways (utils/money.js turns typed yuan into fen).
const { request, upload } = require('../utils/request');

const BASE = '/assistance';

/** GET /assistance/programs?region_code=: what each program is for, who may apply, the documents, the standards. */
function listPrograms(regionCode) {
  const data = regionCode ? { region_code: regionCode } : {};
  return request({ url: `${BASE}/programs`, data, auth: false });
}

/**
 * POST /assistance/eligibility {program, region_code, is_urban, members, assets, medical_out_of_pocket_fen}:
 * may this household qualify, for how much, and the reasons line by line. Nothing is stored.
 */
function checkEligibility(body) {
  return request({ url: `${BASE}/eligibility`, method: 'POST', data: body, auth: false });
}

/** POST /assistance/applications: a draft; the form's Idempotency-Key makes a retry return the same draft. */
function createApplication(body, idempotencyKey) {
  return request({
    url: `${BASE}/applications`,
    method: 'POST',
    data: body,
    header: { 'Idempotency-Key': idempotencyKey },
  });
}

/** PATCH /assistance/applications/{id} {version, …}: edit a draft or a returned application (409 when stale). */
function updateApplication(id, body) {
  return request({ url: `${BASE}/applications/${id}`, method: 'PATCH', data: body });
}

/**
 * POST /assistance/applications/{id}/attachments (multipart: file, kind) through wx.uploadFile with the token;
 * onProgress(percent) follows the UploadTask. Resolves with the attachment {id, kind, filename, size, …}.
 */
function uploadAttachment(id, { filePath, kind, onProgress }) {
  const formData = kind ? { kind } : {};
  return upload({ url: `${BASE}/applications/${id}/attachments`, filePath, name: 'file', formData, onProgress });
}

/** DELETE /assistance/applications/{id}/attachments/{attachmentId}: only while a draft. */
function deleteAttachment(id, attachmentId) {
  return request({ url: `${BASE}/applications/${id}/attachments/${attachmentId}`, method: 'DELETE' });
}

/** POST /assistance/applications/{id}/submit {version}: 422 names every problem at once. */
function submitApplication(id, version, idempotencyKey) {
  return request({
    url: `${BASE}/applications/${id}/submit`,
    method: 'POST',
    data: { version },
    header: { 'Idempotency-Key': idempotencyKey },
  });
}

/** POST /assistance/applications/{id}/withdraw {version}. */
function withdrawApplication(id, version) {
  return request({ url: `${BASE}/applications/${id}/withdraw`, method: 'POST', data: { version } });
}

/** GET /assistance/applications?mine=1: my applications (and those filed for me), the newest first. */
function myApplications({ page = 1, pageSize = 20 } = {}) {
  return request({ url: `${BASE}/applications`, data: { mine: 1, page, page_size: pageSize } });
}

/** GET /assistance/applications/{id}: one application with its timeline (events) and documents. */
function getApplication(id) {
  return request({ url: `${BASE}/applications/${id}` });
}

module.exports = {
  listPrograms,
  checkEligibility,
  createApplication,
  updateApplication,
  uploadAttachment,
  deleteAttachment,
  submitApplication,
  withdrawApplication,
  myApplications,
  getApplication,
};
