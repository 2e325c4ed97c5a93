/**
 * Areas of the demo city: districts, streets, communities and unit grids as axis-aligned
 * rectangles cut from the city's bounding box. Every cut position is computed once and shared by
 * both sides, so children tile their parent with no gap and no overlap.
 *
 * A real unit grid is about 10,000 m²; at that size this city would need ~100,000 grids, so the
 * demo uses ~800 grids of roughly 1–2 km² each (enough for maps, routing and per-grid statistics).
 */
import type { AreaLevel, DemoArea, DemoPolygon } from './demo-city.types.ts';
import type { SeededRandom } from './seeded-random.ts';

/** Bounding rectangle in degrees. */
export interface Rect {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** An area plus the street furniture the case texts talk about; only `area` is published. */
export interface PlaceNode {
  area: DemoArea;
  rect: Rect;
  /** Pinyin for English department names (districts and streets). */
  pinyin: string;
  /** Roads crossing the area (streets only). */
  roads: string[];
  /** Residential estates (communities only). */
  estates: string[];
}

/** The generated area tree with quick lookups. */
export interface DemoPlaces {
  city: PlaceNode;
  districts: PlaceNode[];
  streets: PlaceNode[];
  communities: PlaceNode[];
  grids: PlaceNode[];
  byCode: Map<string, PlaceNode>;
  areaByCode: Map<string, DemoArea>;
}

/** Code of the city area (a fictional prefecture-level code in the GB/T 2260 layout). */
export const DEMO_CITY_AREA_CODE = '990100';

const CITY_RECT: Rect = { west: 120.0, south: 30.1, east: 120.4, north: 30.4 };

const DISTRICTS: readonly (readonly [string, string])[] = [
  ['港城区', 'Gangcheng'],
  ['江滨区', 'Jiangbin'],
  ['青岚区', 'Qinglan'],
  ['望潮区', 'Wangchao'],
  ['临湾区', 'Linwan'],
];

const STREET_NAMES: readonly (readonly [string, string])[] = [
  ['东港', 'Donggang'], ['西津', 'Xijin'], ['北塘', 'Beitang'], ['南浦', 'Nanpu'], ['新桥', 'Xinqiao'],
  ['柳岸', 'Liu’an'], ['枫林', 'Fenglin'], ['桂园', 'Guiyuan'], ['白鹭', 'Bailu'], ['金沙', 'Jinsha'],
  ['银湖', 'Yinhu'], ['翠屏', 'Cuiping'], ['长乐', 'Changle'], ['永安', 'Yong’an'], ['文昌', 'Wenchang'],
  ['兴隆', 'Xinglong'], ['春晖', 'Chunhui'], ['明珠', 'Mingzhu'], ['海棠', 'Haitang'], ['临江', 'Linjiang'],
  ['望湖', 'Wanghu'], ['青石', 'Qingshi'], ['梅溪', 'Meixi'], ['竹园', 'Zhuyuan'], ['松岭', 'Songling'],
  ['鹭洲', 'Luzhou'], ['观澜', 'Guanlan'],
];

const COMMUNITY_WORDS = [
  '桂花', '湖畔', '新塘', '景苑', '锦绣', '阳光', '翠苑', '紫荆', '丽水', '华庭', '春江', '香樟', '银杏', '清泉',
  '映月', '星河', '长岭', '北苑', '南苑', '东苑', '西苑', '学府', '园丁', '红梅', '杏坛', '青枫', '水岸', '荷塘',
  '渔港', '盐仓', '织锦', '茶山', '梧桐', '丹桂', '芙蓉', '玉兰', '樱花', '海月', '云帆', '虹桥', '金桥', '康乐',
  '福寿', '安居', '宁和', '瑞丰', '庆丰', '嘉禾', '稻香', '麦浪', '古井', '石桥', '柳巷', '塘河', '运河', '江湾',
  '浦沿', '汇丰', '兴园', '文苑', '书香', '翰林', '明月', '朝阳', '夕照', '晨光', '向阳', '光明', '幸福', '和睦',
  '三里', '五堡', '七星', '九龙', '凤凰', '龙井', '白沙', '青莲', '望月', '听涛', '绿洲', '彩虹', '金色', '锦江',
  '松涛', '竹林', '梅园', '兰亭', '菊苑', '荷花', '莲花', '天鹅', '百合', '丁香', '海湾', '潮鸣', '闻涛', '观潮',
  '沙洲', '芦花', '橘园', '杨柳', '桃源', '李园',
];

const ROAD_WORDS = [
  '人民', '解放', '建设', '中山', '新华', '迎宾', '滨江', '文化', '体育', '学院', '工农', '朝阳', '延安',
  '胜利', '健康', '花园', '振兴', '创业', '科技', '海港', '渔市', '盐场', '运河', '湖滨', '长江', '黄河', '珠江',
  '凤起', '庆春', '秋涛', '钱塘', '东方', '望江', '天城', '机场', '物流', '园区', '高新', '金融', '港湾', '白云',
];

const ROAD_SUFFIXES = ['路', '路', '路', '街', '大道', '东路', '西路', '北路', '南路'];
const ESTATE_SUFFIXES = ['花园', '家园', '苑', '公寓', '新村', '府', '小区', '雅居'];

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

// A constant for the city's latitude (~30.25° N) rather than Math.cos, whose last bits may differ
// between engines and would then flip a split and break byte-identical output.
const METRES_PER_DEGREE_LNG = 96_180;

function widthMetres(r: Rect): number {
  return (r.east - r.west) * METRES_PER_DEGREE_LNG;
}

function heightMetres(r: Rect): number {
  return (r.north - r.south) * 110_574;
}

/** Closed counter-clockwise ring, as RFC 7946 asks of exterior rings. */
export function rectPolygon(r: Rect): DemoPolygon {
  return {
    type: 'Polygon',
    coordinates: [[[r.west, r.south], [r.east, r.south], [r.east, r.north], [r.west, r.north], [r.west, r.south]]],
  };
}

// Guillotine split into n parts of roughly equal area, cutting across the longer side each time.
function splitRect(r: Rect, n: number, rng: SeededRandom): Rect[] {
  if (n <= 1) return [r];
  const first = Math.floor(n / 2);
  const share = (first / n) * rng.float(0.85, 1.15);
  if (widthMetres(r) >= heightMetres(r)) {
    const cut = round6(r.west + (r.east - r.west) * share);
    return [
      ...splitRect({ ...r, east: cut }, first, rng),
      ...splitRect({ ...r, west: cut }, n - first, rng),
    ];
  }
  const cut = round6(r.north - (r.north - r.south) * share);
  return [
    ...splitRect({ ...r, south: cut }, first, rng),
    ...splitRect({ ...r, north: cut }, n - first, rng),
  ];
}

// Reading order: north to south, then west to east.
function readingOrder(rects: Rect[]): Rect[] {
  return rects.slice().sort((a, b) => b.north - a.north || a.west - b.west);
}

// Cut positions between min and max, evenly spaced with a little jitter, shared by neighbours.
function cuts(min: number, max: number, parts: number, rng: SeededRandom): number[] {
  const out = [min];
  const step = (max - min) / parts;
  for (let i = 1; i < parts; i++) out.push(round6(min + step * (i + rng.float(-0.2, 0.2))));
  out.push(max);
  return out;
}

function gridRects(r: Rect, target: number, rng: SeededRandom): Rect[] {
  const aspect = widthMetres(r) / heightMetres(r);
  const cols = Math.max(1, Math.round(Math.sqrt(target * aspect)));
  const rows = Math.max(1, Math.round(target / cols));
  const xs = cuts(r.west, r.east, cols, rng);
  const ys = cuts(r.north, r.south, rows, rng);
  const out: Rect[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      out.push({ west: xs[j] as number, east: xs[j + 1] as number, north: ys[i] as number, south: ys[i + 1] as number });
    }
  }
  return out;
}

function node(code: string, name: string, level: AreaLevel, parentCode: string | null, rect: Rect): PlaceNode {
  return { area: { code, name, level, parentCode, boundary: rectPolygon(rect) }, rect, pinyin: '', roads: [], estates: [] };
}

/** Builds the city's area tree from the seeded random source. */
export function generateDemoAreas(rng: SeededRandom): DemoPlaces {
  const city = node(DEMO_CITY_AREA_CODE, '云港市', 'city', null, CITY_RECT);
  city.pinyin = 'Yungang';
  const districts: PlaceNode[] = [];
  const streets: PlaceNode[] = [];
  const communities: PlaceNode[] = [];
  const grids: PlaceNode[] = [];
  const streetNames = rng.shuffle(STREET_NAMES);
  const communityWords = rng.shuffle(COMMUNITY_WORDS);
  const roadWords = rng.shuffle(ROAD_WORDS);

  readingOrder(splitRect(CITY_RECT, DISTRICTS.length, rng)).forEach((dRect, di) => {
    const [dName, dPinyin] = DISTRICTS[di] as readonly [string, string];
    const dCode = `9901${String(di + 2).padStart(2, '0')}`;
    const district = node(dCode, dName, 'district', city.area.code, dRect);
    district.pinyin = dPinyin;
    districts.push(district);

    readingOrder(splitRect(dRect, rng.int(4, 5), rng)).forEach((sRect, si) => {
      const [sWord, sPinyin] = streetNames[streets.length] as readonly [string, string];
      const sCode = `${dCode}${String(si + 1).padStart(3, '0')}`;
      const street = node(sCode, `${sWord}街道`, 'street', dCode, sRect);
      street.pinyin = sPinyin;
      street.roads = [`${sWord}路`];
      for (let k = 0; k < 3; k++) {
        street.roads.push(`${roadWords[(streets.length * 3 + k) % roadWords.length] as string}${rng.pick(ROAD_SUFFIXES)}`);
      }
      streets.push(street);

      readingOrder(splitRect(sRect, rng.int(2, 4), rng)).forEach((cRect, ci) => {
        const cWord = communityWords[communities.length % communityWords.length] as string;
        const cCode = `${sCode}${String(ci + 1).padStart(3, '0')}`;
        const community = node(cCode, `${cWord}社区`, 'community', sCode, cRect);
        const suffixes = rng.shuffle(ESTATE_SUFFIXES);
        community.estates = [`${cWord}${suffixes[0] as string}`, `${cWord}${suffixes[1] as string}`];
        if (rng.chance(0.5)) community.estates.push(`${rng.pick(COMMUNITY_WORDS)}${suffixes[2] as string}`);
        communities.push(community);

        // Grids come out of gridRects row by row, north to south and west to east: the numbering order.
        gridRects(cRect, rng.int(9, 17), rng).forEach((gRect, gi) => {
          const gNumber = String(gi + 1).padStart(3, '0');
          grids.push(node(`${cCode}${gNumber}`, `${cWord}社区第${gi + 1}网格`, 'grid', cCode, gRect));
        });
      });
    });
  });

  const byCode = new Map<string, PlaceNode>();
  const areaByCode = new Map<string, DemoArea>();
  for (const p of [city, ...districts, ...streets, ...communities, ...grids]) {
    byCode.set(p.area.code, p);
    areaByCode.set(p.area.code, p.area);
  }
  return { city, districts, streets, communities, grids, byCode, areaByCode };
}

/** A random point strictly inside a rectangle, kept off the edges so point → grid is unambiguous. */
export function pointInside(r: Rect, rng: SeededRandom): { lng: number; lat: number } {
  const mx = (r.east - r.west) * 0.05;
  const my = (r.north - r.south) * 0.05;
  return { lng: round6(rng.float(r.west + mx, r.east - mx)), lat: round6(rng.float(r.south + my, r.north - my)) };
}
