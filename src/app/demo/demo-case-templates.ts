/**
 * Text templates for the demo cases. Placeholders in braces are filled from the generated city:
 * {district} {street} {community} {estate} {bldg} {road} {road2} {place} {shop} {company} {school}
 * {hospital} {route} {amount} {months} {n} {scenic} {gym} {vaccine}. Bodies of city-management
 * variants are worded neutrally so a citizen and a grid worker can both have written them.
 */
import type { Kind, Urgency } from '../../modules/cases/domain/case-types.ts';

/** Who can have raised a case of this variant. */
export type CaseSource = 'citizen' | 'grid' | 'sensor' | 'enterprise';

/** One way a case of a category comes in. */
export interface CaseVariant {
  category: string;
  kind: Kind;
  /** Relative frequency among variants open to the same source. */
  weight: number;
  /** Whether the case names a place (and so gets a location). */
  located: boolean;
  sources: readonly CaseSource[];
  /** Urgency weights; normal only when absent. */
  urgency?: readonly (readonly [Urgency, number])[];
  /** Whether many people report the same occurrence, so duplicates get merged. */
  duplicable?: boolean;
  /** Title and body pairs. */
  texts: readonly (readonly [title: string, body: string])[];
}

const C: readonly CaseSource[] = ['citizen'];
const CG: readonly CaseSource[] = ['citizen', 'grid'];
const CGS: readonly CaseSource[] = ['citizen', 'grid', 'sensor'];
const CS: readonly CaseSource[] = ['citizen', 'sensor'];
const CE: readonly CaseSource[] = ['citizen', 'enterprise'];
const E: readonly CaseSource[] = ['enterprise'];
const URGENT_SOMETIMES = [['normal', 7], ['urgent', 3]] as const;
const URGENT_OFTEN = [['normal', 3], ['urgent', 6], ['critical', 1]] as const;
const CRITICAL_OFTEN = [['urgent', 4], ['critical', 6]] as const;

/** All variants; weights are tuned so street lights, noise, street vending, property management, unpaid wages and bus routes lead. */
export const CASE_VARIANTS: readonly CaseVariant[] = [
  {
    category: '01.01.01', kind: 'complaint', weight: 45, located: true, sources: C,
    texts: [
      ['{estate}物业服务差', '{estate}物业公司长期不履行职责，小区垃圾清运不及时，楼道堆满杂物，多次向物业反映无果。'],
      ['{estate}物业擅自涨价', '{estate}物业擅自上调物业费，未经业主大会表决，也未公示收费依据，业主意见很大。'],
      ['{estate}楼道灯长期不修', '{estate}{bldg}幢楼道灯坏了两个多月，物业一直推诿不修，老人晚上上下楼很不安全。'],
      ['投诉{estate}物业不作为', '{estate}地下车库积水严重，物业不及时排水，多辆车辆受损，物业拒绝处理。'],
    ],
  },
  {
    category: '01.01.01', kind: 'consult', weight: 12, located: true, sources: C,
    texts: [
      ['{estate}更换物业公司程序咨询', '来电人是{estate}业主，想了解业主如何依法更换物业公司，需要多少业主同意，由哪个部门指导。'],
      ['业主大会成立流程咨询', '来电人咨询{estate}成立业主大会和业主委员会的流程，需要向街道提交哪些材料。'],
    ],
  },
  {
    category: '01.01.02', kind: 'consult', weight: 10, located: false, sources: C,
    texts: [
      ['公租房申请条件咨询', '来电人咨询本市公共租赁住房的申请条件和办理流程，本人为外地户籍，在云港工作已满两年。'],
      ['人才租房补贴申请咨询', '来电人为今年新引进的应届大学生，咨询人才租房补贴的标准、申请渠道和发放时间。'],
    ],
  },
  {
    category: '01.02.01', kind: 'help', weight: 22, located: true, sources: C, urgency: URGENT_OFTEN, duplicable: true,
    texts: [
      ['{estate}停水无通知', '{estate}{bldg}幢从今天早上开始停水，事先没有任何通知，家里有老人小孩，生活很不方便，请尽快恢复供水。'],
      ['{estate}自来水发黄', '{estate}自来水最近几天发黄，有异味，不敢饮用，请相关部门检测水质。'],
      ['{estate}高层水压低', '{estate}高层住户水压太低，六楼以上经常没水，二次供水设备疑似故障。'],
    ],
  },
  {
    category: '01.02.02', kind: 'help', weight: 6, located: true, sources: C, urgency: CRITICAL_OFTEN,
    texts: [
      ['{estate}楼道有燃气味', '{estate}{bldg}幢楼道内有明显燃气味，怀疑管道泄漏，请立即派人检查。'],
      ['{road}附近燃气泄漏', '{place}附近闻到很浓的燃气味，周边商户已经关火，请燃气公司尽快到场。'],
    ],
  },
  {
    category: '01.02.02', kind: 'consult', weight: 5, located: false, sources: C,
    texts: [
      ['燃气开户咨询', '来电人新购住房，咨询燃气开户需要带哪些材料，在哪里办理。'],
      ['燃气表更换咨询', '来电人收到燃气表到期更换通知，咨询更换是否收费。'],
    ],
  },
  {
    category: '01.02.03', kind: 'help', weight: 16, located: true, sources: C, urgency: URGENT_SOMETIMES, duplicable: true,
    texts: [
      ['{estate}频繁停电', '{estate}近一周频繁停电，每次停电一两个小时，冰箱里的东西都坏了，请供电部门查明原因。'],
      ['{road}一带突然停电', '{place}一带突然停电，已经停了三个多小时，没有接到任何停电通知。'],
    ],
  },
  {
    category: '01.02.04', kind: 'complaint', weight: 18, located: true, sources: C,
    texts: [
      ['{estate}消防通道被占', '{estate}消防通道被私家车长期占用，存在安全隐患，物业不管。'],
      ['{estate}群租房隐患', '{estate}{bldg}幢有住户将房屋隔成多间出租，人员复杂，噪音大，存在消防隐患。'],
      ['{estate}电动车楼道充电', '{estate}{bldg}幢有住户从楼上拉电线给电动车充电，楼道里停满电动车，存在火灾隐患。'],
    ],
  },
  {
    category: '01.03.01', kind: 'report', weight: 14, located: true, sources: CG,
    texts: [
      ['{estate}顶楼违建', '{estate}{bldg}幢顶楼住户私自加盖阳光房，影响楼顶防水和邻居安全，请城管部门查处。'],
      ['{place}私自扩建', '{place}一户商铺私自向外扩建搭建彩钢棚，侵占公共通道。'],
    ],
  },
  {
    category: '01.04.01', kind: 'complaint', weight: 7, located: false, sources: CE,
    texts: [
      ['{company}拖欠工程款', '来电人为{company}承接工程的分包方，工程已于去年竣工验收，总包方至今拖欠工程款约{amount}万元，多次催讨无果。'],
      ['反映工程款长期未结算', '{company}承建的项目已交付使用，建设单位以审计未完成为由迟迟不结算工程款，导致企业无法支付材料款。'],
    ],
  },
  {
    category: '02.01.01', kind: 'complaint', weight: 60, located: true, sources: C, duplicable: true,
    texts: [
      ['{shop}噪音扰民', '{place}的{shop}每天营业到凌晨两三点，音响声音很大，周边居民无法休息。'],
      ['{estate}广场舞噪音', '{estate}旁边的广场每天晚上七点到十点跳广场舞，音响开得很大，严重影响学生学习和老人休息。'],
      ['{place}娱乐场所深夜噪音', '{place}一家KTV深夜噪音扰民，低音炮震得窗户都在响，已经持续一个多月。'],
      ['{estate}空调外机噪音', '{estate}{bldg}幢楼下商铺的空调外机和冷却塔二十四小时运转，噪音很大。'],
    ],
  },
  {
    category: '02.01.02', kind: 'report', weight: 9, located: true, sources: C,
    texts: [
      ['{place}工厂排放刺鼻气体', '{place}附近一家工厂每天傍晚排放刺鼻废气，居民开窗都能闻到，怀疑偷排。'],
      ['{community}附近废气扰民', '{community}附近一家喷漆作坊露天作业，油漆味很重，周边居民头晕恶心。'],
    ],
  },
  {
    category: '02.01.03', kind: 'report', weight: 6, located: true, sources: CG,
    texts: [
      ['{road}旁河道发黑发臭', '{road}旁边的河道水体发黑发臭，夏天气味很大，河面漂浮大量垃圾。'],
      ['{place}有排污口直排河道', '{place}附近有一个排污口往河里排放污水，水面泛着白沫。'],
    ],
  },
  {
    category: '03.01.01', kind: 'complaint', weight: 9, located: false, sources: C,
    texts: [
      ['网约车司机绕路多收费', '来电人近日乘坐网约车从{district}到云港东站，司机故意绕路，比平时多收费三十多元，向平台投诉未果。'],
      ['网约车拒载', '来电人在{district}叫网约车去医院，司机接单后要求取消订单，来电人拒绝后司机态度恶劣。'],
    ],
  },
  {
    category: '03.01.01', kind: 'consult', weight: 6, located: false, sources: C,
    texts: [
      ['网约车驾驶员证办理咨询', '来电人咨询在本市从事网约车运营需要办理哪些证件，驾驶员证在哪里考试。'],
    ],
  },
  {
    category: '03.02.01', kind: 'suggestion', weight: 22, located: true, sources: C,
    texts: [
      ['建议{route}延伸至{estate}', '{estate}入住居民已超过三千户，最近的公交站要步行二十多分钟，建议{route}公交延伸到小区附近。'],
      ['建议{estate}开通社区公交', '{estate}周边没有公交线路，老人去{hospital}看病很不方便，建议开通社区微公交。'],
    ],
  },
  {
    category: '03.02.01', kind: 'complaint', weight: 12, located: false, sources: C,
    texts: [
      ['{route}发车间隔太长', '{route}公交车早高峰发车间隔超过二十分钟，车上非常拥挤，建议增加班次。'],
      ['{route}擅自改线', '{route}公交车近期不经过{road}站点，没有提前公告，乘客只能步行到下一站。'],
    ],
  },
  {
    category: '03.02.01', kind: 'consult', weight: 12, located: false, sources: C,
    texts: [
      ['{route}末班车时间咨询', '来电人咨询{route}公交车末班车时间，以及近期是否调整了线路走向。'],
      ['{route}线路调整咨询', '来电人咨询{route}公交车调整后的站点，是否还经过{road}。'],
    ],
  },
  {
    category: '03.02.02', kind: 'complaint', weight: 10, located: false, sources: C,
    texts: [
      ['{route}司机服务态度差', '来电人反映乘坐{route}公交车时，司机不等乘客坐稳就急加速，有老人差点摔倒，乘客提醒后司机态度恶劣。'],
      ['{route}公交车不进站停靠', '来电人在{road}站等车，{route}公交车没有进站停靠，直接开走了。'],
    ],
  },
  {
    category: '03.02.02', kind: 'praise', weight: 4, located: false, sources: C,
    texts: [
      ['表扬{route}公交司机', '来电人在{route}公交车上遗失钱包，司机拾到后主动联系归还，特来电表扬。'],
    ],
  },
  {
    category: '03.03.01', kind: 'complaint', weight: 6, located: true, sources: C,
    texts: [
      ['{road}道路改造工期过长', '{road}道路改造工程围挡已经一年多，施工进度缓慢，严重影响沿线居民出行和商户经营。'],
      ['{road}施工围挡影响通行', '{place}施工围挡占用大半车道，早晚高峰严重拥堵，也没有设置绕行指示。'],
    ],
  },
  {
    category: '04.01.01', kind: 'suggestion', weight: 7, located: true, sources: C,
    texts: [
      ['{school}门口交通拥堵', '每天放学时段{school}门口接送车辆乱停，学生过马路很危险，建议设置护学岗。'],
      ['建议{school}设置护学岗', '{school}门口没有斑马线和减速带，车速很快，建议增设交通安全设施。'],
    ],
  },
  {
    category: '04.01.02', kind: 'complaint', weight: 8, located: false, sources: C,
    texts: [
      ['培训机构跑路退费难', '来电人在{district}一家校外培训机构预交了一年学费{amount}元，机构突然关门，老师联系不上，要求退费。'],
      ['校外培训机构违规培训', '{district}一家培训机构在周末组织学科类培训，以“托管”名义收费，请教育部门查处。'],
    ],
  },
  {
    category: '04.02.01', kind: 'consult', weight: 16, located: false, sources: C,
    texts: [
      ['小学入学材料咨询', '来电人咨询孩子今年秋季在{district}就读小学需要准备哪些材料，什么时候网上报名。'],
      ['学区划分咨询', '来电人咨询{estate}对应的学区划分，今年是否有调整。'],
      ['随迁子女入学咨询', '来电人为新云港人，咨询随迁子女入学积分如何计算，居住证满多久可以申请。'],
    ],
  },
  {
    category: '04.03.01', kind: 'report', weight: 5, located: false, sources: C,
    texts: [
      ['{school}违规收取资料费', '{school}以班级名义向学生收取资料费和补课费，每人六百元，没有开具收据。'],
    ],
  },
  {
    category: '05.01.01', kind: 'complaint', weight: 10, located: false, sources: C,
    texts: [
      ['{company}不签劳动合同', '来电人在{company}工作已满一年，公司一直未与其签订书面劳动合同，也未缴纳社保，要求维权。'],
      ['{company}违法解除劳动合同', '来电人怀孕后被{company}以岗位调整为由辞退，要求公司支付赔偿金。'],
    ],
  },
  {
    category: '05.01.01', kind: 'consult', weight: 8, located: false, sources: C,
    texts: [
      ['离职经济补偿咨询', '来电人被公司口头辞退，咨询能否要求经济补偿，补偿如何计算。'],
      ['试用期规定咨询', '咨询试用期最长可以约定多久，试用期工资不得低于多少。'],
    ],
  },
  {
    category: '05.02.01', kind: 'complaint', weight: 40, located: true, sources: C, duplicable: true,
    texts: [
      ['{company}拖欠工资', '来电人在{company}工作，公司已拖欠其{months}个月工资共计{amount}元，多次讨要未果，请求劳动监察部门介入。'],
      ['{place}工地拖欠农民工工资', '来电人等{n}名农民工在{place}的工地干活，包工头拖欠工资约{amount}元，至今不予支付。'],
      ['讨要被拖欠的工资', '来电人已从{company}离职，公司以各种理由拖延发放最后{months}个月的工资。'],
    ],
  },
  {
    category: '05.02.02', kind: 'consult', weight: 18, located: false, sources: C,
    texts: [
      ['公积金提取咨询', '来电人咨询租房提取住房公积金的条件，每年最多可以提取多少。'],
      ['公积金贷款额度咨询', '来电人准备在{district}购买首套房，咨询公积金贷款最高额度和办理流程。'],
    ],
  },
  {
    category: '05.03.01', kind: 'consult', weight: 15, located: false, sources: C,
    texts: [
      ['灵活就业人员养老保险咨询', '来电人为灵活就业人员，咨询在云港缴纳养老保险的缴费基数和办理渠道。'],
      ['养老保险转移接续咨询', '来电人从外省调入云港工作，咨询养老保险关系如何转移接续。'],
    ],
  },
  {
    category: '05.03.02', kind: 'consult', weight: 13, located: false, sources: C,
    texts: [
      ['异地就医备案咨询', '来电人父亲长期在外地居住，咨询异地就医备案如何办理，能否网上申请。'],
      ['医保报销比例咨询', '来电人咨询在{hospital}住院，职工医保的起付线和报销比例是多少。'],
    ],
  },
  {
    category: '06.01.01', kind: 'complaint', weight: 7, located: true, sources: C,
    texts: [
      ['{place}电动车质量问题', '来电人在{place}一家电动车店购买的电动车，使用不到一个月电池鼓包，商家拒绝退换。'],
      ['购买的家电存在质量问题', '来电人在{place}的家电卖场购买空调，安装后一直不制冷，商家多次维修未果。'],
    ],
  },
  {
    category: '06.01.02', kind: 'complaint', weight: 6, located: true, sources: C,
    texts: [
      ['{shop}价格欺诈', '{place}的{shop}明码标价与结账价格不一致，多收费用，商家拒不退还。'],
      ['{place}停车场乱收费', '{place}停车场收费标准过高，未公示收费依据，也不提供发票。'],
    ],
  },
  {
    category: '06.02.01', kind: 'complaint', weight: 5, located: false, sources: C,
    texts: [
      ['{scenic}游客过多排队时间长', '来电人节假日去{scenic}游玩，景区内游客太多，排队时间长，没有限流措施。'],
      ['{scenic}索道停运未公告', '来电人到{scenic}后才得知索道停运，景区未提前公告，也不退还联票差价。'],
    ],
  },
  {
    category: '07.01.01', kind: 'complaint', weight: 6, located: false, sources: C,
    texts: [
      ['{hospital}重复收费', '来电人在{hospital}住院，出院结算时发现有重复收费项目，医院未给出合理解释。'],
      ['{hospital}检查费用过高', '来电人在{hospital}就诊，医生开了很多不必要的检查，费用一千多元。'],
    ],
  },
  {
    category: '07.03.01', kind: 'consult', weight: 8, located: false, sources: C,
    texts: [
      ['{vaccine}接种咨询', '来电人咨询{vaccine}的接种时间和地点，社区卫生服务中心说暂时没有疫苗。'],
    ],
  },
  {
    category: '07.04.01', kind: 'report', weight: 11, located: true, sources: C,
    texts: [
      ['{shop}卫生条件差', '{place}的{shop}后厨卫生条件很差，来电人就餐后出现腹泻，怀疑食物变质。'],
      ['{shop}无证经营', '{place}有一家{shop}无营业执照、从业人员无健康证经营。'],
    ],
  },
  {
    category: '08.01.01', kind: 'report', weight: 7, located: true, sources: C,
    texts: [
      ['{place}深夜有人酗酒闹事', '{place}经常有人深夜在路边酗酒喧哗、摔酒瓶，居民担心安全。'],
      ['{estate}附近有人聚众赌博', '{estate}附近一处棋牌室每天有很多人聚集，疑似聚众赌博。'],
    ],
  },
  {
    category: '08.01.02', kind: 'report', weight: 9, located: true, sources: CG, urgency: URGENT_SOMETIMES,
    texts: [
      ['{estate}消防设施缺失', '{estate}{bldg}幢楼道消防栓里没有水带，灭火器已过期，请消防部门检查。'],
      ['{place}消防通道堵塞', '{place}的消防通道被商户堆放货物堵塞，一旦发生火灾后果不堪设想。'],
    ],
  },
  {
    category: '08.02.01', kind: 'complaint', weight: 22, located: true, sources: CG, duplicable: true,
    texts: [
      ['{place}机动车乱停放', '{place}人行道上长期停满机动车，行人只能走机动车道，存在安全隐患。'],
      ['{school}门口违停严重', '{school}门口每天早晚有大量车辆违停，堵塞交通，请交警加强管理。'],
    ],
  },
  {
    category: '08.02.02', kind: 'suggestion', weight: 8, located: true, sources: C,
    texts: [
      ['建议{road}与{road2}路口增设红绿灯', '{road}与{road2}交叉口车流量大，没有信号灯，经常发生剐蹭，建议增设信号灯或减速带。'],
    ],
  },
  {
    category: '08.03.01', kind: 'consult', weight: 18, located: false, sources: C,
    texts: [
      ['新生儿落户咨询', '来电人咨询新生儿在{district}落户需要带哪些材料，能否网上办理。'],
      ['投靠落户咨询', '来电人父母为外地户籍，咨询老人投靠子女落户云港的条件。'],
      ['人才落户咨询', '来电人为本科毕业生，咨询人才落户的条件和办理地点。'],
    ],
  },
  {
    category: '09.01.01', kind: 'consult', weight: 7, located: false, sources: C,
    texts: [
      ['低保申请条件咨询', '来电人家庭收入较低，丈夫长期患病，咨询申请城乡低保的条件和流程。'],
    ],
  },
  {
    category: '09.02.01', kind: 'consult', weight: 9, located: false, sources: C,
    texts: [
      ['结婚登记预约咨询', '来电人咨询在{district}婚姻登记处办理结婚登记是否需要预约，需要带哪些材料。'],
      ['补领结婚证咨询', '来电人结婚证遗失，咨询补领需要哪些材料，能否异地办理。'],
    ],
  },
  {
    category: '09.03.01', kind: 'help', weight: 7, located: true, sources: C,
    texts: [
      ['独居老人助餐服务求助', '来电人家中有八十多岁的独居老人住在{estate}，希望社区提供助餐或上门照护服务。'],
      ['{community}老年食堂咨询', '来电人咨询{community}是否有老年食堂，老人用餐有没有补贴。'],
    ],
  },
  {
    category: '10.01.01', kind: 'complaint', weight: 16, located: true, sources: C,
    texts: [
      ['{shop}拒不退换', '来电人在{place}的{shop}购买商品后发现质量问题，商家拒绝退换，态度恶劣。'],
      ['网购商品质量问题投诉', '来电人通过网络平台向{district}一家商户购买的商品与描述严重不符，商家拒不处理。'],
    ],
  },
  {
    category: '10.01.02', kind: 'complaint', weight: 18, located: true, sources: C, duplicable: true,
    texts: [
      ['{gym}预付卡无法退费', '来电人在{place}的{gym}办理了会员卡，充值{amount}元，现门店突然关门，老板联系不上，要求退费。'],
      ['{gym}突然关门', '{place}的{gym}以装修为由停业三个月，会员卡内余额{amount}元无法使用，也不予退费。'],
    ],
  },
  {
    category: '10.02.01', kind: 'complaint', weight: 9, located: true, sources: C, urgency: URGENT_SOMETIMES,
    texts: [
      ['{estate}电梯频繁故障', '{estate}{bldg}幢电梯一个月内坏了三次，有一次困住了老人，物业只是简单修理，请特种设备部门检查。'],
      ['{estate}电梯超期未检', '{estate}{bldg}幢电梯检验合格证已过期半年，物业一直没有安排年检，居民乘坐很担心。'],
    ],
  },
  {
    category: '10.02.01', kind: 'help', weight: 4, located: true, sources: C, urgency: CRITICAL_OFTEN,
    texts: [['{estate}电梯困人', '{estate}{bldg}幢电梯困人，有两人被困，物业电话无人接听。']],
  },
  {
    category: '11.01.01', kind: 'report', weight: 24, located: true, sources: CG, duplicable: true,
    texts: [
      ['{place}垃圾堆积', '{place}路边垃圾堆积多日无人清运，气味难闻，蚊蝇滋生。'],
      ['{estate}门口暴露垃圾', '{estate}门口垃圾桶满溢，垃圾散落一地，影响市容。'],
    ],
  },
  {
    category: '11.01.02', kind: 'report', weight: 7, located: true, sources: CG,
    texts: [
      ['{road}路面油污', '{road}路面有大片油污，行人和电动车容易滑倒。'],
      ['{road}保洁不到位', '{place}路面落叶和垃圾多日无人清扫。'],
    ],
  },
  {
    category: '11.01.03', kind: 'complaint', weight: 18, located: true, sources: CS, duplicable: true,
    texts: [
      ['{shop}油烟扰民', '{place}的{shop}没有安装油烟净化设施，油烟直排居民楼，居民无法开窗。'],
      ['{estate}楼下餐馆油烟直排', '{estate}{bldg}幢楼下的{shop}油烟管道直接排向居民窗户，夏天气味特别大。'],
    ],
  },
  {
    category: '11.02.01', kind: 'report', weight: 7, located: true, sources: CG,
    texts: [
      ['{place}违规设置广告牌', '{place}商铺在人行道上摆放大型落地广告牌，影响通行，未经审批。'],
      ['{road}横幅广告乱挂', '{road}沿线树木和路灯杆上挂满商业横幅，影响市容。'],
    ],
  },
  {
    category: '11.02.02', kind: 'report', weight: 9, located: true, sources: CG,
    texts: [
      ['{estate}小广告乱贴', '{estate}楼道及周边电线杆上贴满办证、开锁等小广告，影响市容。'],
    ],
  },
  {
    category: '11.03.01', kind: 'complaint', weight: 26, located: true, sources: C, duplicable: true,
    texts: [
      ['{place}工地夜间施工扰民', '{place}的建筑工地每天晚上十点以后还在施工，打桩声、渣土车声音很大，周边居民无法入睡，请查是否办理夜间施工许可。'],
      ['{estate}旁工地凌晨施工', '{estate}旁边的工地凌晨一两点还在浇筑混凝土，噪音很大，已经连续一个星期。'],
    ],
  },
  {
    category: '11.03.02', kind: 'report', weight: 9, located: true, sources: CGS,
    texts: [
      ['{place}工地扬尘', '{place}工地裸土未覆盖，车辆进出未冲洗，扬尘严重。'],
    ],
  },
  {
    category: '11.04.01', kind: 'help', weight: 3, located: true, sources: CG, urgency: CRITICAL_OFTEN, duplicable: true,
    texts: [
      ['{road}路面塌陷', '{place}路面突然塌陷，形成一个约两米宽的坑，已有车辆陷入，请立即处置。'],
    ],
  },
  {
    category: '11.04.02', kind: 'help', weight: 5, located: true, sources: CG, urgency: URGENT_OFTEN, duplicable: true,
    texts: [
      ['{place}自来水管爆裂', '{place}地下自来水管爆裂，大量自来水涌出路面，周边小区已经停水。'],
    ],
  },
  {
    category: '11.04.03', kind: 'help', weight: 7, located: true, sources: CGS, urgency: URGENT_OFTEN, duplicable: true,
    texts: [
      ['{road}道路积水严重', '暴雨后{place}道路积水深达三十公分，车辆无法通行，请尽快排涝。'],
    ],
  },
  {
    category: '11.05.01', kind: 'complaint', weight: 40, located: true, sources: CG, duplicable: true,
    texts: [
      ['{place}占道经营', '{place}每天傍晚有大量流动摊贩占道经营，堵塞交通，产生大量垃圾。'],
      ['{estate}门口流动摊贩占道', '{estate}门口早上有菜贩占道摆摊，车辆进出小区困难，请城管部门整治。'],
    ],
  },
  {
    category: '11.05.02', kind: 'complaint', weight: 13, located: true, sources: CG,
    texts: [
      ['{shop}店外经营', '{place}的{shop}长期在店门外摆放桌椅经营，占用人行道。'],
    ],
  },
  {
    category: '11.05.03', kind: 'report', weight: 16, located: true, sources: CG,
    texts: [
      ['{place}共享单车乱停放', '{place}地铁口共享单车乱停乱放，堵塞盲道和人行道，请运营企业及时清理。'],
    ],
  },
  {
    category: '11.06.01', kind: 'report', weight: 7, located: true, sources: CG,
    texts: [
      ['{community}私搭乱建', '{place}有住户在公共绿地上私自搭建棚屋堆放杂物。'],
    ],
  },
  {
    category: '12.01.01', kind: 'complaint', weight: 45, located: true, sources: CGS, duplicable: true,
    texts: [
      ['{road}路灯不亮', '{place}一段路灯已经一个多星期不亮了，晚上一片漆黑，行人和电动车很容易摔倒。'],
      ['{road}路灯夜间全部不亮', '{road}从{road2}路口往东的路灯夜间全部不亮，存在安全隐患。'],
      ['{place}路灯故障', '{place}路灯白天亮、晚上不亮，请尽快维修。'],
    ],
  },
  {
    category: '12.01.01', kind: 'praise', weight: 3, located: true, sources: C,
    texts: [
      ['表扬路灯维修人员', '来电人此前反映的{road}路灯问题当天就有维修人员到场修好，特来电表扬。'],
    ],
  },
  {
    category: '12.01.02', kind: 'report', weight: 10, located: true, sources: CGS, urgency: URGENT_OFTEN, duplicable: true,
    texts: [
      ['{place}井盖缺失', '{place}人行道上一个井盖丢失，已经有行人差点掉进去，请尽快补装。'],
    ],
  },
  {
    category: '12.01.03', kind: 'report', weight: 9, located: true, sources: CG,
    texts: [
      ['{place}井盖破损', '{place}的井盖破损下沉，车辆经过时声音很大，存在安全隐患。'],
    ],
  },
  {
    category: '12.02.01', kind: 'report', weight: 7, located: true, sources: CG, urgency: URGENT_SOMETIMES, duplicable: true,
    texts: [
      ['{road}与{road2}路口信号灯故障', '{road}与{road2}交叉口的红绿灯不亮，路口交通混乱。'],
    ],
  },
  {
    category: '12.02.02', kind: 'report', weight: 5, located: true, sources: CG,
    texts: [
      ['{road}护栏损坏', '{place}的道路护栏被撞坏倒在路边，已经好几天没人修复。'],
    ],
  },
  {
    category: '12.02.03', kind: 'complaint', weight: 13, located: true, sources: CG, duplicable: true,
    texts: [
      ['{road}路面坑洼不平', '{place}路面坑洼不平，雨天积水，电动车经过很危险。'],
    ],
  },
  {
    category: '12.03.01', kind: 'report', weight: 5, located: true, sources: CG,
    texts: [
      ['{place}垃圾箱破损', '{place}的果皮箱破损，垃圾散落在人行道上。'],
    ],
  },
  {
    category: '12.03.02', kind: 'complaint', weight: 5, located: true, sources: CG,
    texts: [
      ['{place}公厕设施损坏', '{place}公共厕所冲水设施损坏，洗手池没水，卫生状况差。'],
    ],
  },
  {
    category: '12.04.01', kind: 'help', weight: 5, located: true, sources: CG, urgency: URGENT_OFTEN,
    texts: [
      ['{road}行道树倒伏', '{place}一棵行道树被大风刮倒，压住了半幅车道。'],
    ],
  },
  {
    category: '12.05.01', kind: 'help', weight: 3, located: true, sources: CG, urgency: URGENT_SOMETIMES,
    texts: [
      ['{estate}老旧房屋墙体开裂', '{estate}{bldg}幢是八十年代的老房子，近期外墙出现多处裂缝，有墙皮脱落，居民担心安全。'],
    ],
  },
  {
    category: '12.06.01', kind: 'suggestion', weight: 5, located: true, sources: CG,
    texts: [
      ['{estate}健身器材损坏', '{estate}小区健身器材损坏多处，存在安全隐患，建议维修或更换。'],
    ],
  },
  {
    category: '05.02.02', kind: 'consult', weight: 5, located: false, sources: E,
    texts: [
      ['企业缓缴公积金政策咨询', '{company}咨询经营困难企业申请缓缴住房公积金的条件和办理流程。'],
      ['公积金缴存比例咨询', '{company}咨询为职工缴存住房公积金的比例范围，能否按最低比例缴存。'],
    ],
  },
  {
    category: '01.02.03', kind: 'help', weight: 4, located: true, sources: E, urgency: URGENT_SOMETIMES,
    texts: [
      ['{company}厂区频繁停电', '{company}位于{place}，厂区近期频繁停电，生产线多次被迫停机，请供电公司排查线路。'],
    ],
  },
  {
    category: '05.01.01', kind: 'help', weight: 4, located: false, sources: E,
    texts: [
      ['企业稳岗返还咨询', '{company}咨询今年稳岗返还政策是否已经发放，企业需要提交哪些材料。'],
    ],
  },
];

/** Sensor alarms by category: the text a device alarm turns into. */
export const SENSOR_TEXTS: Readonly<Record<string, { title: string; body: string }>> = {
  '12.01.01': { title: '【感知告警】{road}路灯单灯故障', body: '路灯单灯控制器上报：{place}路灯夜间开灯指令后电流为零，判定为灯具故障。' },
  '11.01.03': { title: '【感知告警】{shop}油烟浓度超标', body: '油烟在线监测设备上报：{place}的{shop}油烟浓度连续30分钟超过2.0 mg/m³。' },
  '11.03.02': { title: '【感知告警】{place}工地扬尘超标', body: '扬尘监测设备上报：{place}工地PM10小时均值超过预警阈值。' },
  '11.04.03': { title: '【感知告警】{road}积水超警', body: '积水监测设备上报：{place}路面积水深度超过20厘米。' },
  '12.01.02': { title: '【感知告警】{place}井盖位移', body: '智能井盖传感器上报：{place}井盖倾斜角度超过阈值，疑似缺失或移位。' },
};

/** Reply texts keyed by category prefix; the longest matching prefix is used. */
export const REPLY_TEXTS: Readonly<Record<string, readonly string[]>> = {
  '01': ['经现场核查，已责令当事人限期整改，相关问题已处理到位。', '已联系相关单位核实情况，并向来电人解释说明。'],
  '01.01': ['已约谈物业服务企业，督促其限期整改，街道将跟踪落实。', '已向来电人解释业主大会和物业管理的相关规定。'],
  '01.02': ['已联系供应单位排查，现已恢复正常，后续将加强巡检。', '经抢修已恢复供应，已要求供应单位今后提前发布停供通知。'],
  '01.03': ['执法队员已现场核查，已下达限期拆除通知书，逾期将依法强制拆除。'],
  '01.04': ['已约谈建设单位和总包单位，督促其按合同约定结算工程款。'],
  '02': ['执法人员已到现场检查，责令经营者采取降噪措施，并将持续跟踪。', '经监测未发现超标排放，已要求企业规范治污设施运行。'],
  '03': ['已将意见转交运营企业研究，线路优化建议已纳入年度调整计划。', '已约谈运营企业，要求加强驾驶员管理。'],
  '03.01': ['已约谈网约车平台，平台已向乘客退还多收费用并处理驾驶员。'],
  '03.03': ['已督促施工单位加快进度并优化围挡，预计下月底完工。'],
  '04': ['已电话联系来电人解释相关政策，来电人表示理解。', '已责成学校整改，并对相关负责人批评教育。'],
  '05': ['已电话联系来电人，就相关政策进行解释说明。'],
  '05.01': ['劳动保障监察大队已约谈用人单位，指导双方依法处理劳动关系。'],
  '05.02.01': ['劳动保障监察大队已约谈用人单位，督促其限期支付拖欠工资。', '经协调，包工头已承诺于本月底前结清工资。'],
  '06': ['市场监管所已介入调解，商家同意退款。', '已对经营者进行约谈，责令规范明码标价。'],
  '06.02': ['已要求景区完善限流和信息公告，并协调退还差价。'],
  '07': ['已责成医院核查费用明细，重复收取的费用已退还。', '卫生监督人员已现场检查，责令整改。'],
  '07.03': ['已联系社区卫生服务中心，疫苗到货后将电话通知来电人预约。'],
  '08': ['辖区派出所已加强巡逻，并对相关人员进行教育。', '已告知来电人办理所需材料和地点。'],
  '08.02': ['交警部门已加强该路段违停治理，并设置了禁停标志。', '已将设置信号灯的建议纳入路口改造计划。'],
  '09': ['社区工作人员已上门了解情况，并指导来电人提交申请材料。'],
  '09.02': ['已告知来电人婚姻登记的预约方式和所需材料。'],
  '09.03': ['社区已上门评估，为老人链接了助餐和居家照护服务。'],
  '10.01': ['经调解，商家同意按剩余金额退款。', '已对经营者立案调查，并指导来电人依法维权。'],
  '10.02': ['已对电梯进行检验，责令维保单位更换故障部件。', '已责令物业限期完成电梯定期检验。'],
  '11': ['街道已组织城管队员现场处置，问题已整改到位，将加强巡查防止反弹。', '已联系责任单位清理完毕，并落实长效保洁。'],
  '11.03': ['已责令施工单位停止夜间施工并落实防尘措施，城管部门将不定期检查。'],
  '11.04': ['抢险队伍已到场处置，现场已设置围挡，道路已恢复通行。'],
  '12': ['维修人员已到现场更换损坏部件，设施已恢复正常。', '已安排专业队伍修复，并设置了安全警示。'],
};

/** Reasons departments give when returning a case. */
export const RETURN_REASONS: readonly string[] = [
  '经核实，该事项不属于本单位职责范围，请重新派单。',
  '诉求地址不在本单位辖区，请改派属地。',
  '该设施产权不属于本单位，建议派至产权单位办理。',
];

/** Reasons departments give when asking for more time. */
export const EXTENSION_REASONS: readonly string[] = [
  '需协调多个部门现场处置，申请延期。',
  '涉及历史遗留问题，需进一步调查核实，申请延期。',
  '需等待第三方检测结果，申请延期。',
  '需与当事人协商解决方案，申请延期。',
];
