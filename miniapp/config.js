// Where the API lives. The development server runs on this machine (make run); in WeChat DevTools turn off
// "不校验合法域名" checking for it. A release build points at the bureau's HTTPS domain instead.
module.exports = {
  baseUrl: 'http://127.0.0.1:5000/api/v1',
  timeoutMs: 10000,
};
