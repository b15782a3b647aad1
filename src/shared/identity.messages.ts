/** Texts of SSO and second-factor refusals (merged into MESSAGES). Placeholders are {name}. */
export const IDENTITY_MESSAGES = {
  password_login_disabled: {
    zh: '本系统已关闭密码登录，请使用单点登录',
    en: 'Password sign-in is turned off here; use single sign-on',
  },
  oidc_not_configured: { zh: '本系统未配置单点登录', en: 'Single sign-on is not configured' },
  oidc_state_missing: {
    zh: '单点登录回调缺少 state 参数，请重新登录',
    en: 'The sign-on callback has no state; please sign in again',
  },
  oidc_state_mismatch: {
    zh: '单点登录校验失败（state 与本浏览器发起的登录不符），请重新登录',
    en: 'Sign-on check failed (state does not match the sign-in this browser started); please sign in again',
  },
  oidc_state_unknown: {
    zh: '单点登录请求不存在或已被篡改，请重新登录',
    en: 'Unknown or tampered sign-on request; please sign in again',
  },
  oidc_replayed: {
    zh: '该单点登录回调已使用过，不能重复使用，请重新登录',
    en: 'This sign-on callback was already used; please sign in again',
  },
  oidc_expired: {
    zh: '单点登录请求已过期（{minutes} 分钟内有效），请重新登录',
    en: 'The sign-on request expired (valid {minutes} minutes); please sign in again',
  },
  oidc_provider_error: {
    zh: '身份认证平台拒绝了登录：{reason}',
    en: 'The identity provider refused the sign-in: {reason}',
  },
  oidc_exchange_failed: {
    zh: '无法向身份认证平台确认登录（{reason}），请重新登录',
    en: 'The sign-in could not be confirmed with the identity provider ({reason}); please sign in again',
  },
  oidc_provider_unreachable: {
    zh: '暂时无法连接身份认证平台，请稍后重试',
    en: 'The identity provider cannot be reached; please retry later',
  },
  oidc_claim_missing: {
    zh: '身份认证平台未提供“{claim}”信息，无法对应本系统账号',
    en: 'The identity provider sent no "{claim}" claim; the account cannot be matched',
  },
  oidc_unknown_user: {
    zh: '您的统一身份（{value}）在本系统中没有对应的有效账号。请联系本单位的共进系统管理员开通账号。',
    en: 'Your identity ({value}) has no active account here. Ask your Gongjin administrator to create one.',
  },
  login_challenge_missing: {
    zh: '两步验证已超时或不存在，请重新登录',
    en: 'The second sign-in step expired or does not exist; please sign in again',
  },
  totp_invalid_code: { zh: '验证码不正确或已使用过', en: 'The code is wrong or was already used' },
  totp_too_many_attempts: {
    zh: '验证码错误次数过多，请 {minutes} 分钟后再试',
    en: 'Too many wrong codes; try again in {minutes} minutes',
  },
  totp_already_enabled: { zh: '两步验证已开启', en: 'Two-step verification is already on' },
  totp_not_enabled: { zh: '两步验证尚未开启', en: 'Two-step verification is not on' },
  totp_no_enrolment: { zh: '请先生成二维码再输入验证码', en: 'Start the enrolment (QR code) before entering a code' },
  totp_required: { zh: '管理员必须开启两步验证，不能关闭', en: 'Administrators must keep two-step verification on' },
} as const satisfies Record<string, { zh: string; en: string }>;
