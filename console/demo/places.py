"""The demo's places and people, generated deterministically from a seed.

Scale ``town`` is modelled on Yangxunqiao town (杨汛桥镇, Keqiao district,
Shaoxing; around 120.30 E, 30.11 N) as the 2018 article describes it: 87 grids
of 80-120 households, 348 grid workers, 26 stationed departments with 200+
staff, and a video wall.  The village list is modelled on the town, not copied
from an official register.

Scale ``city`` is Shaoxing: 118 towns and subdistricts in six districts,
8,436 grids, 26,059 grid workers and 797 stationed departments with 3,399 staff.
Its Yangxunqiao is the town-scale Yangxunqiao, identical for the same seed.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

from console.demo import names

SCALES = ("town", "city")

CITY_TOWNS = 118
CITY_GRIDS = 8_436
CITY_WORKERS = 26_059
CITY_DEPARTMENTS = 797
CITY_DEPARTMENT_STAFF = 3_399
TOWN_WORKERS_PER_GRID = 4

YANGXUNQIAO_CODE = "330603103"
YANGXUNQIAO_CENTRE = (120.300, 30.110)

# (name_zh, name_en, kind, grids): 3 communities and 17 villages, 87 grids in all.
YANGXUNQIAO_VILLAGES: tuple[tuple[str, str, str, int], ...] = (
    ("杨汛桥社区", "Yangxunqiao Community", "community", 6),
    ("紫薇社区", "Ziwei Community", "community", 5),
    ("江桥社区", "Jiangqiao Community", "community", 4),
    ("江桥村", "Jiangqiao Village", "village", 6),
    ("杨汛村", "Yangxun Village", "village", 5),
    ("麒麟村", "Qilin Village", "village", 5),
    ("新桥头村", "Xinqiaotou Village", "village", 4),
    ("童家塔村", "Tongjiata Village", "village", 4),
    ("徐家埭村", "Xujiadai Village", "village", 4),
    ("蒋家湾村", "Jiangjiawan Village", "village", 4),
    ("坝头山村", "Batoushan Village", "village", 5),
    ("钱家村", "Qianjia Village", "village", 4),
    ("永和村", "Yonghe Village", "village", 4),
    ("百家湖村", "Baijiahu Village", "village", 4),
    ("前王村", "Qianwang Village", "village", 4),
    ("桥头村", "Qiaotou Village", "village", 4),
    ("湖东村", "Hudong Village", "village", 4),
    ("联谊村", "Lianyi Village", "village", 4),
    ("上塘村", "Shangtang Village", "village", 4),
    ("高新村", "Gaoxin Village", "village", 3),
)

# The 26 stationed departments of Yangxunqiao: (kind, name_zh, name_en, staff, assessment).
# Kinds match the ``handler`` kinds of resources/taxonomy.json, plus a few that handle no sub-item.
YANGXUNQIAO_DEPARTMENTS: tuple[tuple[str, str, str, int, str], ...] = (
    ("police", "杨汛桥派出所", "Yangxunqiao Police Station", 38, "B"),
    ("police", "杨汛桥派出所江桥警务室", "Jiangqiao Police Office", 8, "B"),
    ("traffic_police", "柯桥交警大队杨汛桥中队", "Keqiao Traffic Police, Yangxunqiao Squad", 14, "B"),
    ("law_enforcement", "综合行政执法杨汛桥中队", "Comprehensive Law Enforcement Squad", 22, "A"),
    ("market_supervision", "杨汛桥市场监管所", "Yangxunqiao Market Supervision Office", 12, "A"),
    ("land_resources", "杨汛桥国土资源所", "Yangxunqiao Land Resources Office", 6, "A"),
    ("fire", "杨汛桥专职消防队", "Yangxunqiao Full-time Fire Brigade", 15, "B"),
    ("justice", "杨汛桥司法所", "Yangxunqiao Justice Office", 5, "A"),
    ("labour", "杨汛桥劳动保障所", "Yangxunqiao Labour Security Office", 5, "A"),
    ("health", "杨汛桥镇卫生院", "Yangxunqiao Health Centre", 9, "B"),
    ("sanitation", "杨汛桥环卫所", "Yangxunqiao Sanitation Office", 18, "A"),
    ("environment", "杨汛桥生态环境站", "Yangxunqiao Ecology and Environment Station", 5, "A"),
    ("water", "杨汛桥水利站", "Yangxunqiao Water Conservancy Station", 6, "A"),
    ("construction", "杨汛桥村镇建设管理站", "Yangxunqiao Construction Management Station", 7, "A"),
    ("utilities", "杨汛桥供电所", "Yangxunqiao Power Supply Office", 16, "B"),
    ("utilities", "杨汛桥供水站", "Yangxunqiao Water Supply Station", 6, "B"),
    ("emergency_management", "杨汛桥应急管理所", "Yangxunqiao Emergency Management Office", 7, "A"),
    ("transport", "杨汛桥交通管理站", "Yangxunqiao Transport Management Station", 6, "A"),
    ("civil_affairs", "杨汛桥社会事务办", "Yangxunqiao Social Affairs Office", 4, "A"),
    ("party_office", "杨汛桥党建办", "Yangxunqiao Party Building Office", 4, "A"),
    ("political_legal", "杨汛桥政法办", "Yangxunqiao Political and Legal Affairs Office", 5, "A"),
    ("tax", "杨汛桥税务所", "Yangxunqiao Tax Office", 8, "B"),
    ("finance", "杨汛桥财政所", "Yangxunqiao Finance Office", 5, "A"),
    ("agriculture", "杨汛桥农业农村办", "Yangxunqiao Agriculture and Rural Affairs Office", 6, "A"),
    ("culture", "杨汛桥文化站", "Yangxunqiao Culture Station", 3, "A"),
    ("forestry", "杨汛桥林业站", "Yangxunqiao Forestry Station", 3, "A"),
)

# Department kinds every other town of the city has, and the ones some towns add:
# kind -> (name suffix, English suffix, typical staff, assessment).
CITY_CORE_DEPARTMENTS = {
    "police": ("派出所", "Police Station", 8, "B"),
    "law_enforcement": ("综合行政执法中队", "Law Enforcement Squad", 6, "A"),
    "market_supervision": ("市场监管所", "Market Supervision Office", 4, "A"),
    "land_resources": ("国土资源所", "Land Resources Office", 3, "A"),
}
CITY_EXTRA_DEPARTMENTS = {
    "justice": ("司法所", "Justice Office", 3, "A"),
    "traffic_police": ("交警中队", "Traffic Police Squad", 5, "B"),
    "fire": ("专职消防队", "Fire Brigade", 6, "B"),
    "labour": ("劳动保障所", "Labour Security Office", 2, "A"),
    "health": ("卫生院", "Health Centre", 4, "B"),
    "utilities": ("供电所", "Power Supply Office", 5, "B"),
    "environment": ("生态环境站", "Environment Station", 2, "A"),
    "water": ("水利站", "Water Conservancy Station", 2, "A"),
    "sanitation": ("环卫所", "Sanitation Office", 5, "A"),
    "emergency_management": ("应急管理所", "Emergency Management Office", 3, "A"),
    "transport": ("交通管理站", "Transport Station", 2, "A"),
    "construction": ("建设管理站", "Construction Station", 2, "A"),
    "civil_affairs": ("社会事务办", "Social Affairs Office", 2, "A"),
    "political_legal": ("政法办", "Political and Legal Affairs Office", 2, "A"),
    "tax": ("税务所", "Tax Office", 3, "B"),
}

# The six districts of Shaoxing: (code, name_zh, centre lon, centre lat, towns as (name_zh, pinyin)).
SHAOXING_DISTRICTS: tuple[tuple[str, str, float, float, tuple[tuple[str, str], ...]], ...] = (
    ("330602", "越城区", 120.58, 30.00, (
        ("府山街道", "Fushan Subdistrict"), ("塔山街道", "Tashan Subdistrict"), ("北海街道", "Beihai Subdistrict"),
        ("城南街道", "Chengnan Subdistrict"), ("稽山街道", "Jishan Subdistrict"),
        ("迪荡街道", "Didang Subdistrict"), ("东湖街道", "Donghu Subdistrict"), ("皋埠镇", "Gaobu Town"),
        ("马山镇", "Mashan Town"), ("孙端镇", "Sunduan Town"), ("陶堰镇", "Taoyan Town"),
        ("东浦镇", "Dongpu Town"), ("灵芝镇", "Lingzhi Town"), ("鉴湖镇", "Jianhu Town"),
        ("斗门镇", "Doumen Town"), ("富盛镇", "Fusheng Town"))),
    ("330603", "柯桥区", 120.45, 30.06, (
        ("柯桥街道", "Keqiao Subdistrict"), ("华舍街道", "Huashe Subdistrict"), ("齐贤街道", "Qixian Subdistrict"),
        ("柯岩街道", "Keyan Subdistrict"), ("湖塘街道", "Hutang Subdistrict"), ("安昌街道", "Anchang Subdistrict"),
        ("福全街道", "Fuquan Subdistrict"), ("兰亭街道", "Lanting Subdistrict"), ("钱清镇", "Qianqing Town"),
        ("杨汛桥镇", "Yangxunqiao Town"), ("漓渚镇", "Lizhu Town"), ("平水镇", "Pingshui Town"),
        ("王坛镇", "Wangtan Town"), ("稽东镇", "Jidong Town"), ("夏履镇", "Xialü Town"),
        ("马鞍镇", "Ma'an Town"))),
    ("330604", "上虞区", 120.87, 30.03, (
        ("百官街道", "Baiguan Subdistrict"), ("曹娥街道", "Cao'e Subdistrict"), ("东关街道", "Dongguan Subdistrict"),
        ("梁湖街道", "Lianghu Subdistrict"), ("小越街道", "Xiaoyue Subdistrict"), ("崧厦镇", "Songxia Town"),
        ("沥海镇", "Lihai Town"), ("盖北镇", "Gaibei Town"), ("道墟镇", "Daoxu Town"), ("驿亭镇", "Yiting Town"),
        ("丰惠镇", "Fenghui Town"), ("永和镇", "Yonghe Town"), ("章镇镇", "Zhangzhen Town"),
        ("下管镇", "Xiaguan Town"), ("汤浦镇", "Tangpu Town"), ("上浦镇", "Shangpu Town"),
        ("谢塘镇", "Xietang Town"), ("长塘镇", "Changtang Town"), ("岭南乡", "Lingnan Township"),
        ("陈溪乡", "Chenxi Township"), ("丁宅乡", "Dingzhai Township"))),
    ("330681", "诸暨市", 120.24, 29.71, (
        ("暨阳街道", "Jiyang Subdistrict"), ("浣东街道", "Huandong Subdistrict"), ("陶朱街道", "Taozhu Subdistrict"),
        ("暨南街道", "Jinan Subdistrict"), ("大唐镇", "Datang Town"), ("次坞镇", "Ciwu Town"),
        ("店口镇", "Diankou Town"), ("阮市镇", "Ruanshi Town"), ("江藻镇", "Jiangzao Town"),
        ("枫桥镇", "Fengqiao Town"), ("赵家镇", "Zhaojia Town"), ("马剑镇", "Majian Town"),
        ("草塔镇", "Caota Town"), ("牌头镇", "Paitou Town"), ("同山镇", "Tongshan Town"), ("安华镇", "Anhua Town"),
        ("街亭镇", "Jieting Town"), ("璜山镇", "Huangshan Town"), ("陈宅镇", "Chenzhai Town"),
        ("岭北镇", "Lingbei Town"), ("东白湖镇", "Dongbaihu Town"), ("应店街镇", "Yingdianjie Town"),
        ("山下湖镇", "Shanxiahu Town"), ("五泄镇", "Wuxie Town"), ("王家井镇", "Wangjiajing Town"),
        ("姚江镇", "Yaojiang Town"), ("浬浦镇", "Lipu Town"), ("直埠镇", "Zhibu Town"), ("东和乡", "Donghe Township"))),
    ("330683", "嵊州市", 120.82, 29.59, (
        ("剡湖街道", "Shanhu Subdistrict"), ("三江街道", "Sanjiang Subdistrict"), ("鹿山街道", "Lushan Subdistrict"),
        ("浦口街道", "Pukou Subdistrict"), ("甘霖镇", "Ganlin Town"), ("长乐镇", "Changle Town"),
        ("崇仁镇", "Chongren Town"), ("黄泽镇", "Huangze Town"), ("三界镇", "Sanjie Town"),
        ("石璜镇", "Shihuang Town"), ("谷来镇", "Gulai Town"), ("仙岩镇", "Xianyan Town"),
        ("金庭镇", "Jinting Town"), ("北漳镇", "Beizhang Town"), ("下王镇", "Xiawang Town"),
        ("贵门乡", "Guimen Township"), ("里南乡", "Linan Township"), ("竹溪乡", "Zhuxi Township"),
        ("通源乡", "Tongyuan Township"), ("王院乡", "Wangyuan Township"))),
    ("330624", "新昌县", 120.90, 29.50, (
        ("南明街道", "Nanming Subdistrict"), ("七星街道", "Qixing Subdistrict"), ("羽林街道", "Yulin Subdistrict"),
        ("沙溪镇", "Shaxi Town"), ("儒岙镇", "Ru'ao Town"), ("回山镇", "Huishan Town"),
        ("大市聚镇", "Dashiju Town"), ("澄潭镇", "Chengtan Town"), ("梅渚镇", "Meizhu Town"),
        ("镜岭镇", "Jingling Town"), ("小将镇", "Xiaojiang Town"), ("东茗乡", "Dongming Township"),
        ("城南乡", "Chengnan Township"), ("双彩乡", "Shuangcai Township"), ("巧英乡", "Qiaoying Township"),
        ("新林乡", "Xinlin Township"))),
)

# The command room's video wall: (name, scene, group, village index or None for a town-centre site).
# On the first high camera a shed goes up within minutes of the console's start: its calendar runs
# 60 times faster (a simulated day in 24 minutes) from 07:00, and builders start on day 0 at 08:00.
YANGXUNQIAO_CAMERAS: tuple[tuple[str, str, str, int | None], ...] = (
    ("江桥村高位（楼顶）", "rooftop-1?growth=0.5&build=0&hour=7&day=1440", "高位鹰眼", 3),
    ("杨汛桥社区高位", "rooftop-2", "高位鹰眼", 0),
    ("紫薇社区高位", "rooftop-3", "高位鹰眼", 1),
    ("杨汛桥大道江桥路口", "crossroad-1", "主干道", None),
    ("104国道杨汛桥段", "road-1", "主干道", None),
    ("钱杨公路麒麟段", "road-2", "主干道", 5),
    ("杨汛桥大桥", "bridge-1", "主干道", None),
    ("杨汛桥农贸市场", "market-1", "重点部位", 0),
    ("镇中心小学门口", "school-1", "重点部位", 1),
    ("工业园区纺织厂区", "factory-1", "重点部位", 9),
    ("浦阳江江桥段", "river-1", "河道", 3),
    ("百家湖湖滨", "river-2", "河道", 13),
    ("镇文化广场", "square-1", "村庄", 0),
    ("麒麟村村口", "village-1", "村庄", 5),
    ("童家塔村主干道", "village-2", "村庄", 7),
    ("新桥头村停车场", "village-3", "村庄", 6),
)

# The command room's operators: (login, display name, role, local shift start hour or None).
DEMO_OPERATORS: tuple[tuple[str, str, str, int | None], ...] = (
    ("demo", "值班员 王丽", "duty_officer", 8),
    ("chengang", "值班员 陈刚", "duty_officer", 16),
    ("zhanghua", "调度员 张华", "operator", 0),
    ("lixiaodong", "指挥室主任 李晓东", "supervisor", None),
)
SHIFT_HOURS = 8
LOCAL_UTC_OFFSET_HOURS = 8  # China Standard Time


@dataclass(frozen=True)
class TownPlace:
    """A town or subdistrict."""

    code: str
    name_zh: str
    name_en: str
    district: str
    lon: float
    lat: float


@dataclass(frozen=True)
class VillagePlace:
    """A village or community of a town (index into :attr:`DemoWorld.towns`)."""

    code: str
    town: int
    name_zh: str
    name_en: str
    kind: str
    lon: float
    lat: float


@dataclass(frozen=True)
class GridPlace:
    """A grid: its number within the village, households and centre."""

    code: str
    village: int
    number: int
    name: str
    households: int
    lon: float
    lat: float


@dataclass(frozen=True)
class WorkerPerson:
    """A grid worker of one grid."""

    code: str
    name: str
    phone: str
    grid: int
    on_duty: bool


@dataclass(frozen=True)
class DepartmentUnit:
    """A stationed department of a town."""

    code: str
    town: int
    name_zh: str
    name_en: str
    kind: str
    staff: int
    assessment: str


@dataclass(frozen=True)
class CameraSite:
    """A camera of the video wall; ``url`` is ``demo:<scene>`` (a generated picture); it looks along
    ``direction`` (degrees clockwise from north) over ``fov`` degrees and ``range_m`` metres."""

    name: str
    url: str
    lon: float
    lat: float
    grid: int
    group: str
    direction: float = 0.0
    fov: float = 60.0
    range_m: float = 100.0


#: Each group's angle of view and range (degrees, metres): a high camera over the roofs sees far and
#: wide, a gate or market camera a street's width.
CAMERA_VIEWS = {"高位鹰眼": (90.0, 400.0), "主干道": (50.0, 150.0), "重点部位": (70.0, 80.0),
                "河道": (60.0, 200.0), "村庄": (75.0, 90.0)}


@dataclass(frozen=True)
class OperatorAccount:
    """A command-room operator; ``shift_start`` is the local hour their 8-hour shift begins."""

    login: str
    display_name: str
    role: str
    shift_start: int | None


@dataclass
class DemoWorld:
    """All places and people of one demo scale.

    Database ids are list positions + 1 (towns, villages, grids, workers and
    departments are written into empty tables in this order).
    """

    scale: str
    seed: int
    towns: list[TownPlace] = field(default_factory=list)
    villages: list[VillagePlace] = field(default_factory=list)
    grids: list[GridPlace] = field(default_factory=list)
    workers: list[WorkerPerson] = field(default_factory=list)
    departments: list[DepartmentUnit] = field(default_factory=list)
    cameras: list[CameraSite] = field(default_factory=list)
    operators: list[OperatorAccount] = field(default_factory=list)

    @property
    def department_staff(self) -> int:
        return sum(d.staff for d in self.departments)

    def shift_operator_names(self) -> list[str]:
        """Display names of the operators on duty in local shifts 00-08, 08-16, 16-24."""
        by_start = {op.shift_start: op.display_name for op in self.operators if op.shift_start is not None}
        return [by_start[hour] for hour in range(0, 24, SHIFT_HOURS)]


def build_world(scale: str, seed: int = 1) -> DemoWorld:
    """The places and people of ``scale`` ("town" or "city"); the same seed gives the same world."""
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; choose one of {', '.join(SCALES)}")
    world = DemoWorld(scale, seed)
    world.operators = [OperatorAccount(*row) for row in DEMO_OPERATORS]
    if scale == "town":
        _add_yangxunqiao(world, seed, district="柯桥区")
    else:
        _add_shaoxing(world, seed)
    return world


# -- Yangxunqiao -----------------------------------------------------------------------------------
def _add_yangxunqiao(world: DemoWorld, seed: int, district: str) -> None:
    rng = random.Random(f"yangxunqiao/{seed}")
    town = len(world.towns)
    lon0, lat0 = YANGXUNQIAO_CENTRE
    world.towns.append(TownPlace(YANGXUNQIAO_CODE, "杨汛桥镇", "Yangxunqiao Town", district, lon0, lat0))
    # Villages in a loose 5 x 4 layout over the town's ~8 x 6 km, communities near the centre.
    first_village = len(world.villages)
    for index, (name_zh, name_en, kind, _grids) in enumerate(YANGXUNQIAO_VILLAGES):
        col, row = index % 5, index // 5
        lon = lon0 + (col - 2) * 0.016 + rng.uniform(-0.004, 0.004)
        lat = lat0 + (row - 1.5) * 0.014 + rng.uniform(-0.003, 0.003)
        world.villages.append(VillagePlace(f"{YANGXUNQIAO_CODE}{index + 1:03d}", town, name_zh, name_en, kind,
                                           round(lon, 6), round(lat, 6)))
    grid_counts = [row[3] for row in YANGXUNQIAO_VILLAGES]
    _add_grids_and_workers(world, rng, range(first_village, len(world.villages)), grid_counts,
                           [TOWN_WORKERS_PER_GRID] * sum(grid_counts), spread=0.005)
    for serial, (kind, name_zh, name_en, staff, assessment) in enumerate(YANGXUNQIAO_DEPARTMENTS, 1):
        world.departments.append(DepartmentUnit(f"{YANGXUNQIAO_CODE}D{serial:02d}", town, name_zh, name_en,
                                                kind, staff, assessment))
    town_grids = [g for g in range(len(world.grids)) if world.villages[world.grids[g].village].town == town]
    for name, scene, group, village in YANGXUNQIAO_CAMERAS:
        if village is None:
            lon, lat = lon0 + rng.uniform(-0.004, 0.004), lat0 + rng.uniform(-0.003, 0.003)
            grid = min(town_grids, key=lambda g: (world.grids[g].lon - lon) ** 2 + (world.grids[g].lat - lat) ** 2)
        else:
            candidates = [g for g in town_grids if world.grids[g].village == first_village + village]
            grid = rng.choice(candidates)
            lon = world.grids[grid].lon + rng.uniform(-0.001, 0.001)
            lat = world.grids[grid].lat + rng.uniform(-0.001, 0.001)
        fov, range_m = CAMERA_VIEWS[group]
        direction = float(zlib.crc32(name.encode("utf-8")) % 72 * 5)  # fixed per camera, not drawn from rng
        world.cameras.append(CameraSite(name, f"demo:{scene}", round(lon, 6), round(lat, 6), grid, group,
                                        direction, fov, range_m))


def _add_grids_and_workers(world: DemoWorld, rng: random.Random, villages, grid_counts, worker_counts,
                           spread: float, used_phones: set[str] | None = None) -> None:
    """Grids for ``villages`` (``grid_counts`` each) and ``worker_counts[i]`` workers for the i-th new grid.

    ``used_phones`` (updated) are the numbers already given out; by default those of the world's workers.
    """
    taken_names: set[str] = set()
    new_grids = []
    for village, count in zip(villages, grid_counts):
        place = world.villages[village]
        for number in range(1, count + 1):
            new_grids.append(len(world.grids))
            world.grids.append(GridPlace(
                f"{place.code}{number:02d}", village, number, f"{place.name_zh}第{number}网格",
                rng.randint(80, 120), round(place.lon + rng.uniform(-spread, spread), 6),
                round(place.lat + rng.uniform(-spread * 0.8, spread * 0.8), 6)))
    total = sum(worker_counts)
    people = names.unique_person_names(rng, total, taken_names)
    phones = _phone_source(rng, total, {w.phone for w in world.workers} if used_phones is None else used_phones)
    for grid, count in zip(new_grids, worker_counts):
        code = world.grids[grid].code
        for k in range(1, count + 1):
            world.workers.append(WorkerPerson(f"{code}-{k}", people.pop(), next(phones), grid,
                                              rng.random() >= 0.04))


def _phone_source(rng: random.Random, count: int, used: set[str]):
    """``count`` phone numbers not in ``used`` (which is updated)."""
    produced = 0
    while produced < count:
        number = names.phone_number(rng)
        if number not in used:
            used.add(number)
            produced += 1
            yield number


# -- Shaoxing --------------------------------------------------------------------------------------
def _add_shaoxing(world: DemoWorld, seed: int) -> None:
    rng = random.Random(f"shaoxing/{seed}")
    towns = [(district, code, name_zh, name_en, dlon, dlat)
             for code, district, dlon, dlat, members in SHAOXING_DISTRICTS for name_zh, name_en in members]
    if len(towns) != CITY_TOWNS:
        raise AssertionError(f"the district table lists {len(towns)} towns, not {CITY_TOWNS}")
    others = [t for t in towns if t[2] != "杨汛桥镇"]
    other_grids = _split_total(rng, CITY_GRIDS - sum(r[3] for r in YANGXUNQIAO_VILLAGES), len(others), 30, 130)
    other_workers = CITY_WORKERS - sum(r[3] for r in YANGXUNQIAO_VILLAGES) * TOWN_WORKERS_PER_GRID
    other_department_count = CITY_DEPARTMENTS - len(YANGXUNQIAO_DEPARTMENTS)
    other_staff = CITY_DEPARTMENT_STAFF - sum(d[3] for d in YANGXUNQIAO_DEPARTMENTS)
    extra_departments = _split_total(rng, other_department_count - len(CITY_CORE_DEPARTMENTS) * len(others),
                                     len(others), 1, len(CITY_EXTRA_DEPARTMENTS))
    # The command room's own town comes first, generated exactly as at town scale.
    _add_yangxunqiao(world, seed, district="柯桥区")
    yangxunqiao = 0
    serials: dict[str, int] = {}
    grid_counts_iter = iter(other_grids)
    extra_iter = iter(extra_departments)
    worker_plan = _worker_counts(rng, sum(other_grids), other_workers)
    worker_offset = 0
    used_phones = {w.phone for w in world.workers}
    for district, dcode, name_zh, name_en, dlon, dlat in others:
        serials[dcode] = serials.get(dcode, 100) + 1
        if f"{dcode}{serials[dcode]:03d}" == YANGXUNQIAO_CODE:
            serials[dcode] += 1
        code = f"{dcode}{serials[dcode]:03d}"
        lon, lat = dlon + rng.uniform(-0.16, 0.16), dlat + rng.uniform(-0.12, 0.12)
        town = len(world.towns)
        world.towns.append(TownPlace(code, name_zh, name_en, district, round(lon, 6), round(lat, 6)))
        grids = next(grid_counts_iter)
        village_count = max(3, round(grids / 4.35))
        village_grids = _split_total(rng, grids, village_count, 1, 12)
        first_village = len(world.villages)
        communities = village_count // 6 + (1 if "街道" in name_zh else 0)
        for index, (v_zh, v_en, kind) in enumerate(names.village_names(rng, village_count, communities)):
            world.villages.append(VillagePlace(
                f"{code}{index + 1:03d}", town, v_zh, v_en, kind,
                round(lon + rng.uniform(-0.05, 0.05), 6), round(lat + rng.uniform(-0.04, 0.04), 6)))
        workers = worker_plan[worker_offset:worker_offset + grids]
        worker_offset += grids
        _add_grids_and_workers(world, rng, range(first_village, len(world.villages)), village_grids, workers,
                               spread=0.008, used_phones=used_phones)
        short = name_zh.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        short_en = name_en.rsplit(" ", 1)[0]
        kinds = list(CITY_CORE_DEPARTMENTS) + rng.sample(sorted(CITY_EXTRA_DEPARTMENTS), next(extra_iter))
        for serial, kind in enumerate(kinds, 1):
            suffix, suffix_en, staff, assessment = {**CITY_CORE_DEPARTMENTS, **CITY_EXTRA_DEPARTMENTS}[kind]
            world.departments.append(DepartmentUnit(
                f"{code}D{serial:02d}", town, short + suffix, f"{short_en} {suffix_en}", kind,
                max(1, staff + rng.randint(-1, 2)), assessment))
    _rescale_staff(world, other_staff, exclude_town=yangxunqiao)


def _split_total(rng: random.Random, total: int, parts: int, low: int, high: int) -> list[int]:
    """``parts`` integers in [low, high] that add up to ``total`` (spread around the mean)."""
    if not low * parts <= total <= high * parts:
        raise ValueError(f"cannot split {total} into {parts} parts of {low}-{high}")
    mean = total / parts
    values = [min(high, max(low, round(rng.gauss(mean, mean * 0.3)))) for _ in range(parts)]
    while (diff := total - sum(values)) != 0:
        i = rng.randrange(parts)
        step = 1 if diff > 0 else -1
        if low <= values[i] + step <= high:
            values[i] += step
    return values


def _worker_counts(rng: random.Random, grids: int, workers: int) -> list[int]:
    """Workers per grid: everyone gets ``workers // grids``, a random remainder of grids one more."""
    base, extra = divmod(workers, grids)
    counts = [base] * grids
    for i in rng.sample(range(grids), extra):
        counts[i] += 1
    return counts


def _rescale_staff(world: DemoWorld, total: int, exclude_town: int) -> None:
    """Adjust the staff of the departments outside ``exclude_town`` so they add up to ``total``."""
    movable = [i for i, d in enumerate(world.departments) if d.town != exclude_town]
    rng = random.Random(f"staff/{world.seed}")
    current = sum(world.departments[i].staff for i in movable)
    while current != total:
        i = rng.choice(movable)
        dept = world.departments[i]
        step = 1 if total > current else -1
        if dept.staff + step >= 1:
            world.departments[i] = DepartmentUnit(dept.code, dept.town, dept.name_zh, dept.name_en, dept.kind,
                                                  dept.staff + step, dept.assessment)
            current += step
