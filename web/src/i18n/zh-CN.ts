/** Chinese (default) UI strings. Every key here exists in en.ts too (checked by a test). */
export const zhCN = {
  app: {
    name: 'CityLoop 城市闭环', loading: '加载中…', logout: '退出登录', navigation: '导航', forbidden: '当前账号没有访问该页面的权限',
    pickScreen: '请从上方导航选择工作页面', switchLanguage: '切换语言', unexpectedError: '出现意外错误，请重试', noCases: '暂无工单', close: '关闭',
  },
  nav: { intake: '话务受理', dispatch: '派单台', workbench: '承办工作台', supervision: '督办中心', bigScreen: '大屏', admin: '系统管理', citizen: '市民服务' },
  login: {
    subtitle: '12345 热线与城市运行管理平台', username: '用户名', password: '密码', submit: '登录',
    demoHint: '演示账号：demo-agent、demo-dispatcher、demo-handler、demo-supervisor 等，密码 cityloop-demo', citizenLink: '市民查询与反映问题 →',
  },
  case: {
    number: '工单编号', title: '标题', state: '状态', department: '承办部门', due: '办理期限', light: '亮灯', category: '诉求分类', kind: '诉求类型',
    signDue: '签收期限', signOverdue: '签收超期', requester: '诉求人', address: '地址', received: '受理时间', text: '诉求内容', reply: '答复', actions: '可执行操作', noActions: '当前没有可执行的操作',
    timeline: '办理过程', coordinates: '位置坐标', dispatchTo: '按权责清单派给 {{name}}', dispatchAuto: '自动派单', rejectReturn: '驳回退单', upholdReturn: '同意退单', pendingExtension: '延期申请待审批', approve: '批准', refuse: '不批准',
  },
  action: {
    intake: '受理', direct_answer: '直接答复', not_accepted: '不予受理', dispatch: '派单', sign_for: '签收', return: '退单', arbitrate: '退单审核',
    request_extension: '申请延期', decide_extension: '延期审批', reply: '答复', resolve: '办结', callback: '回访', close: '关闭', merge: '合并',
    chase: '催办', supervise: '督办', light: '时限预警', reopen: '重启', rate: '评价',
  },
  actionText: { return: '退单理由', reply: '阶段性答复', resolve: '办结答复（市民可见）', close: '关闭理由', supervise: '督办意见', request_extension: '延期理由（2 个工作日）', arbitrate: '退单审核意见' },
  state: { pending_dispatch: '待派单', dispatched: '待签收', handling: '办理中', returned: '退单待审', resolved: '已办结', closed: '已关闭', merged: '已合并' },
  light: { green: '绿灯', yellow: '黄灯', red: '红灯' },
  kind: { consult: '咨询', help: '求助', complaint: '投诉', report: '举报', suggestion: '建议', praise: '表扬' },
  urgency: { normal: '一般', urgent: '紧急', critical: '特急' },
  rating: { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' },
  intake: {
    title: '话务受理', phone: '来电号码', name: '诉求人姓名', caseTitle: '标题', text: '诉求内容', category: '诉求分类', pickCategory: '请选择分类',
    kind: '诉求类型', urgency: '紧急程度', address: '地址', lng: '经度', lat: '纬度', registerDispatch: '受理并派单', registerOnly: '仅受理', register: '受理',
    clear: '清空', keys: '快捷键：来电号码处回车查询历史工单；Ctrl+Enter 受理（由派单台派单）', keysDispatch: '快捷键：来电号码处回车查询历史工单；Ctrl+Enter 受理并派单', created: '已受理，工单编号', dispatchedTo: '已派至 {{name}}', toDispatchDesk: '已转派单台',
    earlier: '该来电的历史工单（{{count}}）', suggestions: '智能建议', suggestedDepartment: '建议承办部门：{{name}}', duplicates: '疑似重复工单',
  },
  tier: { city: '市级', district: '区级', street: '街道级' },
  deptKind: { centre: '派单中心', bureau: '职能部门', street_office: '街道办事处', utility: '公用事业单位', other: '其他' },
  dayType: { off: '休息日', work: '工作日' },
  role: { agent: '话务员', dispatcher: '派单员', handler: '承办人', supervisor: '督办员', grid_worker: '网格员', analyst: '分析员', admin: '管理员' },
  yesNo: { yes: '是', no: '否' },
  dispatch: { centre: '派单中心', allCentres: '全部', pending: '待派单（{{count}}）', returned: '退单待审（{{count}}）', pick: '从左侧选择工单查看并派单' },
  workbench: { toSign: '待签收（{{count}}）', handling: '办理中（{{count}}）', pick: '从左侧选择工单签收或办理' },
  supervision: {
    overdue: '超期工单（{{count}}）', atRisk: '临期预警（{{count}}）', kpis: '部门考核指标', from: '从', to: '至', export: '导出 CSV',
    noDepartment: '（未派单）', drill: '{{label}}：{{count}} 件',
  },
  kpi: {
    total: '受理量', dispatched: '派单量', completed: '办结量', overdue: '超期量', rated: '评价量',
    onTimeCompletionRate: '按时办结率', satisfactionRate: '满意率', returnRate: '退单率',
  },
  citizen: {
    title: '12345 市民服务', track: '查询进度', report: '反映问题', number: '工单编号', last4: '手机号后四位', phone: '手机号码', lookup: '查询',
    rate: '请对办理结果评价', comment: '评价说明（选填）', submitRating: '提交评价', thanks: '感谢您的评价：{{rating}}',
    what: '请描述您遇到的问题', useLocation: '使用当前位置', send: '提交', reported: '已收到您的反映，工单编号 {{number}}，请凭编号和手机号后四位查询进度',
  },
  big: {
    title: '城市运行态势', back: '返回工作台', today: '今日受理', open: '在办工单', red: '红灯工单', week: '近 7 日受理', vitals: '城市体征指数',
    map: '工单热力（近 7 日，按网格）', trend: '近 14 日趋势', vitalsTitle: '城市体征（各维度）', hot: '热点诉求', warnings: '预警', noHot: '暂无热点问题', noWarnings: '暂无预警',
  },
  map: { unavailable: '地图不可用（浏览器未启用 WebGL）', clickToPick: '点击地图选择位置' },
  admin: {
    departments: '部门', staff: '人员', accounts: '账号与角色', rules: '权责清单', categories: '诉求分类', calendar: '节假日日历',
    filter: '筛选', account: '账号', role: '角色', ownDepartment: '（账号所属部门）', grant: '授予角色', granted: '已为 {{username}} 授予角色 {{role}}', exportCsv: '导出 CSV', importCsv: '导入 CSV', truncated: '共 {{count}} 条，仅显示前 500 条',
    col: {
      code: '编码', name: '名称', tier: '层级', kind: '类别', departmentId: '部门', roles: '角色', username: '用户名', displayName: '显示名',
      grants: '角色授权', active: '启用', lastLoginAt: '最近登录', categoryPrefix: '分类前缀', areaId: '区域', priority: '优先级', note: '备注',
      nameEn: '英文名称', parentCode: '上级编码', date: '日期', type: '类型',
    },
  },
};
