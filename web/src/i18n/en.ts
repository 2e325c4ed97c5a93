import type { zhCN } from './zh-CN.ts';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** English UI strings: the same keys as zh-CN (the type makes a missing key a compile error). */
export const en: Shape<typeof zhCN> = {
  app: {
    name: 'CityLoop', loading: 'Loading…', logout: 'Sign out', navigation: 'Navigation', forbidden: 'This account may not open this page',
    pickScreen: 'Pick a screen from the navigation above', switchLanguage: 'Switch language', unexpectedError: 'Something went wrong; please try again', noCases: 'No cases', close: 'Close',
  },
  nav: { intake: 'Agent intake', dispatch: 'Dispatch desk', workbench: 'Department workbench', supervision: 'Supervision centre', bigScreen: 'Big screen', admin: 'Admin', citizen: 'Citizen page' },
  login: {
    subtitle: '12345 hotline and city operations', username: 'Username', password: 'Password', submit: 'Sign in',
    demoHint: 'Demo accounts: demo-agent, demo-dispatcher, demo-handler, demo-supervisor …, password cityloop-demo', citizenLink: 'Citizens: report a problem or track a case →',
  },
  case: {
    number: 'Case number', title: 'Title', state: 'State', department: 'Department', due: 'Due', light: 'Light', category: 'Category', kind: 'Kind',
    signDue: 'Sign-for deadline', signOverdue: 'Sign-for overdue', requester: 'Requester', address: 'Address', received: 'Received', text: 'Request', reply: 'Reply', actions: 'Actions', noActions: 'No action is open to you now',
    timeline: 'Timeline', coordinates: 'Coordinates', dispatchTo: 'Dispatch to {{name}} (responsibility list)', dispatchAuto: 'Dispatch automatically', rejectReturn: 'Reject the return', upholdReturn: 'Uphold the return', pendingExtension: 'An extension waits for a decision', approve: 'Approve', refuse: 'Refuse',
  },
  action: {
    intake: 'Intake', direct_answer: 'Direct answer', not_accepted: 'Not accepted', dispatch: 'Dispatch', sign_for: 'Sign for', return: 'Return', arbitrate: 'Arbitrate return',
    request_extension: 'Ask for extension', decide_extension: 'Decide extension', reply: 'Reply', resolve: 'Resolve', callback: 'Callback', close: 'Close', merge: 'Merge',
    chase: 'Chase', supervise: 'Supervise', light: 'Deadline light', reopen: 'Reopen', rate: 'Rating',
  },
  actionText: { return: 'Reason for returning', reply: 'Interim reply', resolve: 'Reply to the citizen (resolves the case)', close: 'Reason for closing', supervise: 'Supervision note', request_extension: 'Reason for the extension (2 working days)', arbitrate: 'Reason for the decision' },
  state: { pending_dispatch: 'Pending dispatch', dispatched: 'To sign for', handling: 'Handling', returned: 'Returned', resolved: 'Resolved', closed: 'Closed', merged: 'Merged' },
  light: { green: 'Green', yellow: 'Yellow', red: 'Red' },
  kind: { consult: 'Consultation', help: 'Help', complaint: 'Complaint', report: 'Report', suggestion: 'Suggestion', praise: 'Praise' },
  urgency: { normal: 'Normal', urgent: 'Urgent', critical: 'Critical' },
  rating: { 5: 'Very satisfied', 4: 'Satisfied', 3: 'Fairly satisfied', 2: 'Dissatisfied', 1: 'Very dissatisfied' },
  intake: {
    title: 'Agent intake', phone: 'Caller phone', name: 'Caller name', caseTitle: 'Title', text: 'Request', category: 'Category', pickCategory: 'Pick a category',
    kind: 'Kind', urgency: 'Urgency', address: 'Address', lng: 'Longitude', lat: 'Latitude', registerDispatch: 'Register and dispatch', registerOnly: 'Register only', register: 'Register',
    clear: 'Clear', keys: 'Keys: Enter in the phone field finds earlier cases; Ctrl+Enter registers (the dispatch desk dispatches)', keysDispatch: 'Keys: Enter in the phone field finds earlier cases; Ctrl+Enter registers and dispatches', created: 'Registered as case', dispatchedTo: 'dispatched to {{name}}', toDispatchDesk: 'sent to the dispatch desk',
    earlier: 'Earlier cases of this caller ({{count}})', suggestions: 'Suggestions', suggestedDepartment: 'Suggested department: {{name}}', duplicates: 'Possible duplicates',
  },
  tier: { city: 'City', district: 'District', street: 'Street' },
  deptKind: { centre: 'Dispatch centre', bureau: 'Bureau', street_office: 'Street office', utility: 'Utility', other: 'Other' },
  dayType: { off: 'Day off', work: 'Working day' },
  role: { agent: 'Agent', dispatcher: 'Dispatcher', handler: 'Handler', supervisor: 'Supervisor', grid_worker: 'Grid worker', analyst: 'Analyst', admin: 'Admin' },
  yesNo: { yes: 'Yes', no: 'No' },
  dispatch: { centre: 'Centre', allCentres: 'All', pending: 'Pending dispatch ({{count}})', returned: 'Returned, to decide ({{count}})', pick: 'Pick a case on the left to dispatch it' },
  workbench: { toSign: 'To sign for ({{count}})', handling: 'Handling ({{count}})', pick: 'Pick a case on the left to sign for or handle it' },
  supervision: {
    overdue: 'Overdue ({{count}})', atRisk: 'At risk ({{count}})', kpis: 'KPIs by department', from: 'From', to: 'To', export: 'Export CSV',
    noDepartment: '(not dispatched)', drill: '{{label}}: {{count}} cases',
  },
  kpi: {
    total: 'Received', dispatched: 'Dispatched', completed: 'Resolved', overdue: 'Overdue', rated: 'Rated',
    onTimeCompletionRate: 'On-time resolution', satisfactionRate: 'Satisfaction', returnRate: 'Return rate',
  },
  citizen: {
    title: '12345 Citizen service', track: 'Track a case', report: 'Report a problem', number: 'Case number', last4: 'Last 4 digits of your phone', phone: 'Mobile number', lookup: 'Look up',
    rate: 'How satisfied are you with the result?', comment: 'Comment (optional)', submitRating: 'Send rating', thanks: 'Thank you for your rating: {{rating}}',
    what: 'What is the problem?', useLocation: 'Use my location', send: 'Send', reported: 'We received your report as case {{number}}; track it with the number and the last 4 digits of your phone',
  },
  big: {
    title: 'City operations', back: 'Back to the console', today: 'Received today', open: 'Open cases', red: 'Red-light cases', week: 'Received in 7 days', vitals: 'City vital signs',
    map: 'Case heat (7 days, by grid)', trend: 'Trend, 14 days', vitalsTitle: 'Vital signs by dimension', hot: 'Hot issues', warnings: 'Early warnings', noHot: 'No hot issues', noWarnings: 'No warnings',
  },
  map: { unavailable: 'Map unavailable (WebGL is off in this browser)', clickToPick: 'Click the map to pick the place' },
  admin: {
    departments: 'Departments', staff: 'Staff', accounts: 'Accounts & roles', rules: 'Responsibility list', categories: 'Categories', calendar: 'Holiday calendar',
    filter: 'Filter', account: 'Account', role: 'Role', ownDepartment: '(the account\'s department)', grant: 'Grant role', granted: 'Granted {{role}} to {{username}}', exportCsv: 'Export CSV', importCsv: 'Import CSV', truncated: '{{count}} rows; the first 500 are shown',
    col: {
      code: 'Code', name: 'Name', tier: 'Tier', kind: 'Kind', departmentId: 'Department', roles: 'Roles', username: 'Username', displayName: 'Display name',
      grants: 'Role grants', active: 'Active', lastLoginAt: 'Last sign-in', categoryPrefix: 'Category prefix', areaId: 'Area', priority: 'Priority', note: 'Note',
      nameEn: 'English name', parentCode: 'Parent code', date: 'Date', type: 'Type',
    },
  },
};
