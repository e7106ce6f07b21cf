"""The demo team's made-up world: 8 reps in 2 regions, the names of their shops, and the
words their reports use. `service.demo` plays 60 days of visits through it; the same seed
gives the same names and words.
"""

from random import Random

from salesproc.rules.vocab import Purpose

#: days of visits, ending today
DAYS = 60

REPS = [
    ("wangwei", "王伟", "杭州", 1.10),
    ("lina", "李娜", "杭州", 1.00),
    ("zhanglei", "张磊", "杭州", 0.95),
    ("liuyang", "刘洋", "杭州", 0.70),
    ("chenjing", "陈静", "宁波", 1.05),
    ("yangfan", "杨帆", "宁波", 0.90),
    ("zhaomin", "赵敏", "宁波", 1.00),
    ("huangqiang", "黄强", "宁波", 0.60),
]
DISTRICTS = {
    "杭州": ["西湖", "拱墅", "滨江", "萧山", "余杭", "上城"],
    "宁波": ["海曙", "江北", "鄞州", "北仑", "镇海", "奉化"],
}
BRANDS = ["华联", "万家", "好又多", "金源", "百佳", "家和", "福满", "鑫鑫", "兴隆", "顺发", "惠民"]
KINDS = ["超市", "便利店", "副食批发部", "商行", "烟酒店", "食品经营部"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
TITLES = ["经理", "老板", "店长", "采购"]
WEATHER = ["晴", "晴", "多云", "多云", "阴", "小雨", "中雨"]
RESULTS = {
    Purpose.ORDER: ["下单补货", "订了下月的货", "追加了新品", "要求先送样再定"],
    Purpose.COLLECTION: ["收回上月货款", "答应月底结清", "收了一半货款"],
    Purpose.DEVELOPMENT: [
        "初次接触，留了资料",
        "老板有兴趣，约下次详谈",
        "对价格有顾虑",
        "要看竞品报价",
    ],
    Purpose.SERVICE: ["处理了破损退换", "调整了陈列", "培训了店员"],
    Purpose.EXPLANATION: ["讲解了新品政策", "说明了促销方案"],
}
OBJECTIONS = ["嫌价格高", "库存还多", "竞品返点更高", "账期要求60天", "担心动销慢"]
WON_RESULTS = ["签下首单", "同意试销，首批进货"]
LOST_RESULTS = ["已选竞品，暂不合作", "店铺转让，停止进货"]


def phone(rng: Random) -> str:
    """A mobile number as Chinese ones look: 1, then 3, 5, 8 or 9, then nine digits."""
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def names(rng: Random, region: str, count: int, taken: set[str]) -> list[str]:
    """`count` shop names in the region's districts (西湖华联超市), none of them in `taken`,
    which they join: customer names must be unique."""
    found: list[str] = []
    while len(found) < count:
        name = rng.choice(DISTRICTS[region]) + rng.choice(BRANDS) + rng.choice(KINDS)
        if name not in taken:
            taken.add(name)
            found.append(name)
    return found
