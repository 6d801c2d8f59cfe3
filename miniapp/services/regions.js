// Administrative divisions (12-digit codes; 衢州市 is 330800000000).
const { request } = require('../utils/request');

/** GET /regions?parent=…: the children of a region; without parent, the top level the server offers. */
function listRegions(parent) {
  const data = parent ? { parent } : {};
  return request({ url: '/regions', data });
}

// Levels with a single child are passed through (the city of a one-city deployment), at most this many.
const MAX_PASS_THROUGH = 3;

/**
 * The top of a region picker: from the top level down through the levels that hold a single region, as far as
 * MAX_PASS_THROUGH. Returns {path, children}: the regions passed through (the picker's floor: going up stops at
 * the last of them, e.g. 衢州市) and the children of the last one, to choose from.
 */
async function pickerRoot() {
  const path = [];
  let children = await listRegions();
  while (children.length === 1 && path.length < MAX_PASS_THROUGH) {
    path.push(children[0]);
    children = await listRegions(children[0].code);
  }
  return { path, children };
}

/** GET /regions/{code}: one region (its name, level and parent). */
function getRegion(code) {
  return request({ url: `/regions/${code}` });
}

module.exports = {
  listRegions,
  getRegion,
  pickerRoot,
};
