// 应急 for workers: active emergencies and their duty summary, the shelters of the worker's area and their
// occupancy (server/api/facilities.py).
const { request } = require('../../utils/request');

/** GET /emergencies?active=1: the open emergencies (workers only: anyone else gets 403). */
function activeEmergencies() {
  return request({ url: '/emergencies', data: { active: 1 } });
}

/** GET /emergencies/{id}/summary: shelters opened, people by group, the nearly full. */
function summary(id) {
  return request({ url: `/emergencies/${id}/summary` });
}

/** GET /facilities?type=shelter&region_code=: the shelters of an area (public), by region then id. */
function listShelters({ regionCode, q, page = 1, pageSize = 50 } = {}) {
  const data = { type: 'shelter', page, page_size: pageSize };
  if (regionCode) data.region_code = regionCode;
  if (q) data.q = q;
  return request({ url: '/facilities', data, auth: false });
}

/** GET /facilities/{id}: capacity, occupancy and the `version` an update must carry. */
function getFacility(id) {
  return request({ url: `/facilities/${id}`, auth: false });
}

/** GET /facilities/{id}/occupancy: the reports, newest first (workers), for the groups last reported. */
function occupancyHistory(id, { pageSize = 1 } = {}) {
  return request({ url: `/facilities/${id}/occupancy`, data: { page: 1, page_size: pageSize } });
}

/** PUT /facilities/{id}/occupancy {occupancy, groups, version}: 409 on a stale version, 422 above capacity. */
function updateOccupancy(id, { occupancy, groups, version }) {
  const data = { occupancy, version };
  if (groups) data.groups = groups;
  return request({ url: `/facilities/${id}/occupancy`, method: 'PUT', data });
}

module.exports = {
  activeEmergencies,
  summary,
  listShelters,
  getFacility,
  occupancyHistory,
  updateOccupancy,
};
