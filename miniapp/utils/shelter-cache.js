// The nearest shelters, kept on the phone with the time they were fetched, so that with no network (a typhoon
// often takes it down) the 找服务 page still shows where to go and says how old the list is.

const STORAGE_KEY = 'nearbyShelters';
const MAX_ITEMS = 20;

/** Keeps the shelters among the items just fetched; a list without shelters leaves the saved one alone. */
function save(items, now = Date.now()) {
  const shelters = (items || []).filter((item) => item && item.type === 'shelter').slice(0, MAX_ITEMS);
  if (!shelters.length) return null;
  const entry = { fetched_at: now, items: shelters };
  try {
    wx.setStorageSync(STORAGE_KEY, entry);
  } catch (e) {
    return null; // storage full: the page works on without the offline copy
  }
  return entry;
}

/** {fetched_at, items} or null. */
function load() {
  try {
    const entry = wx.getStorageSync(STORAGE_KEY);
    return entry && Array.isArray(entry.items) && entry.items.length && entry.fetched_at ? entry : null;
  } catch (e) {
    return null;
  }
}

/** One saved shelter by id (the detail page falls back to it offline). */
function find(id) {
  const entry = load();
  const item = entry ? entry.items.find((it) => String(it.id) === String(id)) : null;
  return item ? { item, fetched_at: entry.fetched_at } : null;
}

const pad = (n) => (n < 10 ? `0${n}` : String(n));

/** "14:05" when fetched today, else "11月29日 14:05" (the phone's own clock and time zone). */
function fetchedText(fetchedAt, now = Date.now()) {
  const at = new Date(fetchedAt);
  const today = new Date(now);
  const hhmm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay =
    at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return sameDay ? hhmm : `${at.getMonth() + 1}月${at.getDate()}日 ${hhmm}`;
}

module.exports = {
  STORAGE_KEY,
  save,
  load,
  find,
  fetchedText,
};
