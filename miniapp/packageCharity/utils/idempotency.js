// Idempotency keys for writes a phone may retry (POST /charity/donations requires one). A form makes ONE key
// when it opens and sends it with every attempt, so a double tap or a retry after a lost answer returns the
// gift already logged instead of logging a second one. Only a new gift gets a new key.
//
// The server looks keys up per user, so uniqueness among one user's forms is what matters: the time in ms
// plus 64 random bits is plenty. The alphabet is [0-9a-z-], well inside the server's 1–128 characters.

let counter = 0;

function random32() {
  return Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}

function newIdempotencyKey(prefix = 'gift') {
  counter = (counter + 1) % 0x10000;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${random32()}${random32()}`;
}

module.exports = { newIdempotencyKey };
