// Administrative divisions (12-digit codes; 衢州市 is 330800000000).
const { request } = require('../utils/request');

/** GET /regions?parent=…: the children of a region; without parent, the top level the server offers. */
function listRegions(parent) {
  const data = parent ? { parent } : {};
  return request({ url: '/regions', data });
}

/** GET /regions/{code}: one region (its name, level and parent). */
function getRegion(code) {
  return request({ url: `/regions/${code}` });
}

module.exports = {
  listRegions,
  getRegion,
};
