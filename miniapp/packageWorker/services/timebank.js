// 志愿服务核验 for workers: the service logs in their scope, approved or rejected (server/api/timebank.py).
const { request } = require('../../utils/request');

/** GET /timebank/service-logs?status=: for a worker, the logs in their scope, newest first. */
function listLogs({ status = 'pending', page = 1, pageSize = 20 } = {}) {
  const data = { page, page_size: pageSize };
  if (status) data.status = status;
  return request({ url: '/timebank/service-logs', data });
}

/** POST /timebank/service-logs/{id}/approve: the hours are banked (credited_minutes, to_fund_minutes). */
function approveLog(id) {
  return request({ url: `/timebank/service-logs/${id}/approve`, method: 'POST', data: {} });
}

/** POST /timebank/service-logs/{id}/reject {reason}: the volunteer reads the reason. */
function rejectLog(id, reason) {
  return request({ url: `/timebank/service-logs/${id}/reject`, method: 'POST', data: { reason } });
}

module.exports = {
  listLogs,
  approveLog,
  rejectLog,
};
