"""Chinese names for the demo: people, phone numbers and place names with their pinyin.

Everything is drawn from a caller's :class:`random.Random`, so the same seed
gives the same names.  The surnames and characters are the common ones of
Shaoxing and the surrounding Ningbo-Shaoxing plain (陈, 王, 俞, 楼, 裘, 斯 …).
"""

from __future__ import annotations

import itertools
import random

# Surname and a relative frequency (roughly their share in Shaoxing).
SURNAMES: tuple[tuple[str, int], ...] = (
    ("陈", 90), ("王", 85), ("张", 50), ("李", 40), ("周", 42), ("吴", 38), ("徐", 36), ("孙", 28),
    ("朱", 26), ("胡", 30), ("沈", 30), ("杨", 28), ("金", 26), ("俞", 22), ("钱", 20), ("何", 20),
    ("章", 18), ("傅", 18), ("赵", 16), ("楼", 14), ("宣", 10), ("孟", 10), ("马", 12), ("陆", 12),
    ("蒋", 14), ("黄", 16), ("郑", 14), ("丁", 10), ("叶", 12), ("袁", 10), ("任", 8), ("邵", 10),
    ("鲁", 8), ("谢", 10), ("屠", 6), ("潘", 10), ("冯", 8), ("韩", 6), ("蔡", 8), ("高", 10),
    ("林", 8), ("应", 8), ("施", 8), ("倪", 6), ("茹", 4), ("骆", 6), ("寿", 4), ("葛", 6),
    ("裘", 6), ("斯", 4), ("宋", 8), ("汪", 6), ("方", 8), ("杜", 6),
)

MALE_GIVEN = "建国伟强军明华平林峰海刚勇杰斌波涛磊鑫浩宇俊立兴荣根水祥福庆良德文新永志江成东亮飞锋"
FEMALE_GIVEN = "丽芳娟英红霞燕萍敏静婷琴洁佳慧芬兰秀玲凤雪莉倩颖悦蕾月娜艳美珍琳雅"

# Mobile number prefixes in use in Zhejiang (China Mobile, Unicom, Telecom).
PHONE_PREFIXES = ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158",
                  "159", "178", "182", "183", "187", "188", "198", "130", "131", "132", "155", "156",
                  "166", "176", "185", "186", "133", "153", "173", "177", "180", "181", "189", "199")

# Characters that make up village names in the region, with their pinyin.
PLACE_SYLLABLES: dict[str, str] = {
    "江": "jiang", "桥": "qiao", "新": "xin", "前": "qian", "后": "hou", "东": "dong", "西": "xi",
    "南": "nan", "北": "bei", "塘": "tang", "山": "shan", "湖": "hu", "溪": "xi", "安": "an",
    "和": "he", "平": "ping", "丰": "feng", "华": "hua", "兴": "xing", "庄": "zhuang", "坞": "wu",
    "埠": "bu", "徐": "xu", "王": "wang", "陈": "chen", "张": "zhang", "杨": "yang", "何": "he",
    "沈": "shen", "俞": "yu", "金": "jin", "石": "shi", "林": "lin", "梅": "mei", "竹": "zhu",
    "岭": "ling", "浦": "pu", "泾": "jing", "港": "gang", "头": "tou", "里": "li", "联": "lian",
    "民": "min", "光": "guang", "明": "ming", "永": "yong", "福": "fu", "宁": "ning", "泉": "quan",
    "溇": "lou", "荡": "dang", "家": "jia", "上": "shang", "下": "xia", "大": "da", "小": "xiao",
    "高": "gao", "横": "heng", "双": "shuang", "三": "san", "五": "wu", "百": "bai", "官": "guan",
    "清": "qing", "水": "shui", "阳": "yang", "胜": "sheng", "利": "li", "红": "hong", "星": "xing",
    "湾": "wan", "桑": "sang", "莲": "lian", "花": "hua", "瓜": "gua", "渚": "zhu", "鉴": "jian",
}

_FIRST = "江新前后东西南北上下大小高横双三五百清红金石梅竹桑莲花瓜鉴徐王陈张杨何沈俞"
_SECOND = "桥塘山湖溪安和平丰华兴庄坞埠林岭浦泾港头里联民光明永福宁泉溇荡湾阳胜利星渚"


_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_CUM = list(itertools.accumulate(w for _, w in SURNAMES))


def person_name(rng: random.Random) -> str:
    """A plausible Chinese full name: a common surname and one or two given characters."""
    surname = rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]
    pool = MALE_GIVEN if rng.random() < 0.55 else FEMALE_GIVEN
    if rng.random() < 0.7:
        return surname + rng.choice(pool) + rng.choice(pool)
    return surname + rng.choice(pool)


def unique_person_names(rng: random.Random, count: int, taken: set[str] | None = None) -> list[str]:
    """``count`` different names (none of them in ``taken``, which is updated)."""
    taken = taken if taken is not None else set()
    names = []
    while len(names) < count:
        name = person_name(rng)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def phone_number(rng: random.Random) -> str:
    """A mobile number written the Chinese way in 3-4-4 groups, e.g. ``138 5753 2210``."""
    digits = f"{rng.randrange(10_000_000, 100_000_000):08d}"
    return f"{rng.choice(PHONE_PREFIXES)} {digits[:4]} {digits[4:]}"


def unique_phone_numbers(rng: random.Random, count: int) -> list[str]:
    seen: set[str] = set()
    numbers = []
    while len(numbers) < count:
        number = phone_number(rng)
        if number not in seen:
            seen.add(number)
            numbers.append(number)
    return numbers


def masked_phone(rng: random.Random) -> str:
    """A caller's number as the hotline shows it, e.g. ``138****2210``."""
    return f"{rng.choice(PHONE_PREFIXES)}****{rng.randrange(10_000):04d}"


def pinyin_of(chinese: str) -> str:
    """The capitalised pinyin of a name made of :data:`PLACE_SYLLABLES` characters."""
    return "".join(PLACE_SYLLABLES[ch] for ch in chinese).capitalize()


def village_names(rng: random.Random, count: int, communities: int = 0,
                  taken: set[str] | None = None) -> list[tuple[str, str, str]]:
    """``count`` different place names as (name_zh, name_en, kind); the first ``communities`` are communities."""
    taken = taken if taken is not None else set()
    result = []
    while len(result) < count:
        stem = rng.choice(_FIRST) + rng.choice(_SECOND)
        if stem in taken or stem[0] == stem[1]:
            continue
        taken.add(stem)
        if len(result) < communities:
            result.append((stem + "社区", f"{pinyin_of(stem)} Community", "community"))
        else:
            result.append((stem + "村", f"{pinyin_of(stem)} Village", "village"))
    return result
