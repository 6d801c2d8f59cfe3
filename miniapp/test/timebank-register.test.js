const { settle, text, tap, usePage } = require('./helpers/pages');
const { volunteer, problem, fieldProblem, ok, TOKENS } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

function server({ me = null, register } = {}) {
  return (req) => {
    if (req.url.endsWith('/timebank/volunteers/me')) return me ? ok(me) : problem(404, '您还没有登记为志愿者。', 'not_volunteer');
    if (req.url.endsWith('/timebank/volunteers') && req.method === 'POST') {
      return register ? register(req) : ok(volunteer({ skills: req.data.skills, team: req.data.team || null }), 201);
    }
    return problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const page = usePage('packageTimebank/pages/register/index', 'timebank-register', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.respond = server();
  },
});

async function open() {
  comp = await page.open();
}

const all = (selector) => comp.querySelectorAll(selector).map(text);
const chip = (label) => comp.querySelectorAll('.skill-chip').find((c) => text(c).replace('✓ ', '') === label);
const posts = () => fake.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/timebank/volunteers'));

describe('登记志愿者', () => {
  test('shows the eleven services as chips, none chosen, and the two teams', async () => {
    await open();

    expect(all('.skill-chip')).toEqual([
      '陪伴聊天', '家政保洁', '助餐送餐', '生活照料', '陪同就医', '康复辅助', '理发', '维修', '智能手机教学', '法律咨询', '文体活动',
    ]);
    expect(all('.team-chip')).toEqual(['义工之家', '幸福驿站']);
    expect(text(comp.querySelector('.submit-btn'))).toBe('登记');
  });

  test('without a service chosen it says so next to the chips and sends nothing', async () => {
    await open();

    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.error-skills'))).toBe('请至少选择一项您能提供的服务');
    expect(posts()).toHaveLength(0);
  });

  test('registers with the chosen services (marked ✓) and team, then goes back', async () => {
    await open();

    await tap(chip('陪同就医'));
    await tap(chip('理发'));
    await tap(chip('维修'));
    await tap(chip('维修')); // tapped again: off
    await tap(comp.querySelectorAll('.team-chip')[1]);
    expect(text(chip('陪同就医'))).toBe('✓ 陪同就医');
    expect(text(chip('维修'))).toBe('维修');

    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(1);
    expect(posts()[0].data).toEqual({ skills: ['medical_escort', 'haircut'], team: '幸福驿站' });
    expect(fake.toasts.map((t) => t.title)).toEqual(['登记成功']);
    expect(fake.navigations[0].back).toBe(true);
  });

  test('a registered volunteer finds the form filled in and saves changes', async () => {
    fake.respond = server({ me: volunteer({ team: '社区红马甲' }) });
    await open();

    expect(all('.skill-chip').filter((t) => t.startsWith('✓'))).toEqual(['✓ 陪伴聊天', '✓ 智能手机教学']);
    expect(comp.querySelector('.team-input').dom.getAttribute('value') || comp.data.team).toBe('社区红马甲');
    expect(text(comp.querySelector('.submit-btn'))).toBe('保存修改');

    await tap(comp.querySelector('.submit-btn'));
    expect(posts()[0].data).toEqual({ skills: ['companionship', 'digital_help'], team: '社区红马甲' });
    expect(fake.toasts.map((t) => t.title)).toEqual(['已保存']);
  });

  test('409 profile_incomplete says what is missing and opens the real-name form, which comes back here', async () => {
    fake.respond = server({
      register: () =>
        problem(409, '志愿者实行实名登记：请先在“我的”页面填写姓名和身份证号码。', 'profile_incomplete', {
          missing: ['real_name', 'id_number'],
        }),
    });
    await open();
    await tap(chip('陪伴聊天'));

    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.profile-notice'))).toContain('还需要填写：真实姓名、身份证号码。');
    expect(fake.modals).toHaveLength(1);
    expect(fake.modals[0].content).toContain('真实姓名、身份证号码');
    expect(fake.switchedTabs).toEqual([]);
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageMe/pages/profile/index']);
    expect(text(comp.querySelector('.profile-btn'))).toBe('去填写实名信息');

    // Saved there: the notice goes, and 登记 can be pressed again with the chips as they were.
    fake.navigations[0].events.saved({ real_name: '王**', profile_complete: true });
    await settle(2);
    expect(comp.querySelector('.profile-notice')).toBeFalsy();
    expect(comp.data.skills.filter((s) => s.on).map((s) => s.label)).toEqual(['陪伴聊天']);
  });

  test('the server’s field errors (422 errors.json) land next to the same fields', async () => {
    fake.respond = server({
      register: () =>
        fieldProblem({ skills: { 0: ['应为以下之一：companionship, …。'] }, team: ['最多 32 个字。'] }),
    });
    await open();
    await tap(chip('陪伴聊天'));

    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.error-skills'))).toBe('应为以下之一：companionship, …。');
    expect(text(comp.querySelector('.error-team'))).toBe('最多 32 个字。');
    expect(comp.querySelector('.team-input').dom.className).toMatch(/input-error/);
  });

  test('a team name longer than the server allows is caught on the phone', async () => {
    await open();
    await tap(chip('陪伴聊天'));
    comp.querySelector('.team-input').dispatchEvent('input', { detail: { value: '志'.repeat(33) } });
    await settle();

    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.error-team'))).toBe('团队名称最多 32 个字');
    expect(posts()).toHaveLength(0);
  });
});
