// China-time dates the subpackages (救助, 慈善, 工作台) work out before setData. The server sends times in ISO 8601
// with an offset (stored in UTC); they are shown in Asia/Shanghai (UTC+8, no summer time) whatever the phone's own
// time zone is. WXS cannot require this: a .wxs module keeps its own copy.

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad2 = (n) => String(n).padStart(2, '0');

function chinaParts(date) {
  const d = new Date(date.getTime() + CHINA_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    m: pad2(d.getUTCMonth() + 1),
    d: pad2(d.getUTCDate()),
    hh: pad2(d.getUTCHours()),
    mm: pad2(d.getUTCMinutes()),
  };
}

/** '2026-11-30T07:40:33+00:00' → '2026-11-30 15:40' (China time); '' for nothing or nonsense. */
function localDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const p = chinaParts(date);
  return `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}`;
}

/** '2026-11-30T07:40:33+00:00' → '2026-11-30' (China date). */
function localDate(iso) {
  return localDateTime(iso).slice(0, 10);
}

/** Today in China as 'YYYY-MM-DD' (comparable as a string with the server's dates). */
function todayInChina(now = new Date()) {
  const p = chinaParts(now);
  return `${p.y}-${p.m}-${p.d}`;
}

module.exports = {
  pad2,
  localDateTime,
  localDate,
  todayInChina,
};
