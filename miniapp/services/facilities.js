// 找服务: facilities, emergencies and corrections, one function per endpoint. The searches are public, so they
// are sent without a token (a stale token must never stand between a resident and the nearest shelter).
const { request } = require('../utils/request');

/**
 * GET /facilities/nearby: the nearest places first, and the active emergencies where the point stands.
 * types is an array of facility types (all types when empty); openNow / hasSpace add those filters.
 */
function nearby({ lat, lng, types, openNow, hasSpace, radiusM, limit }) {
  const data = { lat, lng, coord_type: 'gcj02' };
  if (types && types.length) data.types = types.join(',');
  if (openNow) data.open_now = 1;
  if (hasSpace) data.has_space = 1;
  if (radiusM) data.radius_m = radiusM;
  if (limit) data.limit = limit;
  return request({ url: '/facilities/nearby', data, auth: false });
}

/** GET /facilities?region_code=&type=: one page of a region's facilities (the list without a position). */
function listByRegion({ regionCode, types, page = 1, pageSize = 20 }) {
  const data = { region_code: regionCode, page, page_size: pageSize };
  if (types && types.length) data.type = types.join(',');
  return request({ url: '/facilities', data, auth: false });
}

/** GET /facilities/{id}: hours, services, accessibility, phone and room. */
function getFacility(id) {
  return request({ url: `/facilities/${id}`, auth: false });
}

/** GET /emergencies/active: with a position, whether it stands in an active emergency; without, every one. */
function activeEmergencies(position) {
  const data = position ? { lat: position.lat, lng: position.lng, coord_type: 'gcj02' } : {};
  return request({ url: '/emergencies/active', data, auth: false });
}

/** POST /facilities/{id}/suggestions {kind, message}: a resident's correction (needs login). */
function suggestCorrection(id, { kind, message }) {
  const data = { kind };
  if (message) data.message = message;
  return request({ url: `/facilities/${id}/suggestions`, method: 'POST', data });
}

module.exports = {
  nearby,
  listByRegion,
  getFacility,
  activeEmergencies,
  suggestCorrection,
};
