// 救助审核 for workers: the queue, one application, the review actions, the audited identity read and the
// documents. One function per endpoint of server/api/assistance.py.
const { request, download } = require('../../utils/request');

/**
 * GET /assistance/applications: a worker's queue in their scope, soonest deadline first (`overdue` on each).
 * status: one of the server's statuses (sent as a single value); overdue: true for the overdue only.
 */
function queue({ status, overdue, page = 1, pageSize = 20 } = {}) {
  const data = { page, page_size: pageSize };
  if (status) data.status = status;
  if (overdue) data.overdue = 1;
  return request({ url: '/assistance/applications', data });
}

/** GET /assistance/applications/{id}: with `events` (the timeline), `attachments` and `allowed_actions`. */
function getApplication(id) {
  return request({ url: `/assistance/applications/${id}` });
}

/**
 * POST /assistance/applications/{id}/{action} with the body (it carries `version`). The path uses a dash
 * (pay_first → pay-first). submit is idempotent on the server and takes the form's key.
 */
function act(id, action, body, idempotencyKey) {
  const header = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined;
  return request({
    url: `/assistance/applications/${id}/${action.replace(/_/g, '-')}`,
    method: 'POST',
    data: body,
    header,
  });
}

/** GET /assistance/applications/{id}/identity: the full ID number. The server writes every read to the audit log. */
function revealIdentity(id) {
  return request({ url: `/assistance/applications/${id}/identity` });
}

/** GET /assistance/applications/{id}/attachments/{attachmentId}, downloaded with the token → temp file path. */
function downloadAttachment(id, attachmentId) {
  return download({ url: `/assistance/applications/${id}/attachments/${attachmentId}` });
}

/** GET /assistance/programs: each program's document list (for the 退回 checklist). Public. */
function listPrograms() {
  return request({ url: '/assistance/programs', auth: false });
}

module.exports = {
  queue,
  getApplication,
  act,
  revealIdentity,
  downloadAttachment,
  listPrograms,
};
