"""The demo team's made-up world: 10 reps in 2 regions, the names of their shops, and the
words their reports use. `service.demo` plays 60 days of visits through it; the same seed
gives the same names and words.

Results read as a rep types them: concrete (a quantity, a product, a person, an
amount) and different from one visit to the next, because honest reports are.
"""

from random import Random

#: days of visits, ending today
DAYS = 60

#: code, name, region
REPS = [
    ("wangwei", "王伟", "杭州"),
    ("lina", "李娜", "杭州"),
    ("zhanglei", "张磊", "杭州"),
    ("liuyang", "刘洋", "杭州"),
    ("sunli", "孙丽", "杭州"),
    ("chenjing", "陈静", "宁波"),
    ("yangfan", "杨帆", "宁波"),
    ("zhaomin", "赵敏", "宁波"),
    ("huangqiang", "黄强", "宁波"),
    ("zhoujie", "周杰", "宁波"),
]
DISTRICTS = {
    "杭州": ["西湖", "拱墅", "滨江", "萧山", "余杭", "上城"],
    "宁波": ["海曙", "江北", "鄞州", "北仑", "镇海", "奉化"],
}
BRANDS = ["华联", "万家", "好又多", "金源", "百佳", "家和", "福满", "鑫鑫", "兴隆", "顺发", "惠民"]
KINDS = ["超市", "便利店", "副食批发部", "商行", "烟酒店", "食品经营部"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
TITLES = ["经理", "老板", "店长", "采购", "老板娘", "主任"]
WEATHER = ["晴", "晴", "多云", "多云", "阴", "小雨", "中雨"]
PRODUCTS = ["矿泉水", "纯净水", "橙汁", "绿茶", "红茶", "功能饮料", "苏打水", "乳酸菌饮品"]
DAYS_AHEAD = ["周一", "周二", "周三", "周四", "周五", "下周"]
#: a customer's usual order (cents) by grade, before each customer's own spread
USUAL_ORDER = {"A": 1_200_000, "B": 500_000, "C": 180_000}


def phone(rng: Random) -> str:
    """A mobile number as Chinese ones look: 1, then 3, 5, 8 or 9, then nine digits."""
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def contact(rng: Random) -> str:
    """The person a rep deals with at a shop: 王经理, 李老板娘."""
    return rng.choice(SURNAMES) + rng.choice(TITLES)


def names(rng: Random, region: str, count: int, taken: set[str]) -> list[str]:
    """`count` shop names in the region's districts (西湖华联超市), none of them in `taken`,
    which they join: customer names must be unique."""
    found: list[str] = []
    while len(found) < count:
        name = rng.choice(DISTRICTS[region]) + rng.choice(BRANDS) + rng.choice(KINDS)
        if name in taken:  # a second shop of the same brand and kind in a district
            name += f"{rng.choice('东西南北')}店"
        if name not in taken:
            taken.add(name)
            found.append(name)
    return found


def _yuan(cents: int) -> str:
    return f"{cents // 100}元"


def order_result(rng: Random, who: str, cents: int) -> str:
    """An order taken: how much of what, who signed, what it comes to."""
    product, cases = rng.choice(PRODUCTS), max(2, cents // rng.choice([4000, 5000, 6000]))
    return rng.choice(
        [
            f"{who}订了{cases}箱{product}，{rng.choice(DAYS_AHEAD)}送货",
            f"补货{product}{cases}箱，{who}确认，货款{_yuan(cents)}",
            f"{who}下单{product}{cases}箱，另要{rng.randint(2, 6)}张海报",
            f"{product}卖得快，{who}加订到{cases}箱",
        ]
    )


def no_order_result(rng: Random, who: str) -> str:
    """An order visit without an order: why not, and when."""
    product = rng.choice(PRODUCTS)
    return rng.choice(
        [
            f"{who}说{product}还有{rng.randint(3, 15)}箱，{rng.choice(DAYS_AHEAD)}再订",
            f"{who}不在，店员说等回来再订{product}",
            f"{who}嫌{product}动销慢，这次不订，先做堆头",
        ]
    )


def collection_result(rng: Random, who: str) -> str:
    cents = rng.randint(4, 120) * 50_00
    return rng.choice(
        [
            f"收回货款{_yuan(cents)}，{who}签字",
            f"{who}答应{rng.choice(DAYS_AHEAD)}结清{_yuan(cents)}",
            f"对账，{who}确认欠款{_yuan(cents)}",
        ]
    )


def service_result(rng: Random, who: str) -> str:
    product = rng.choice(PRODUCTS)
    return rng.choice(
        [
            f"整理{product}排面{rng.randint(2, 9)}个，检查生产日期",
            f"换了{rng.randint(1, 4)}箱破损{product}，{who}签收",
            f"帮{who}把{product}移到收银台旁",
        ]
    )


def explanation_result(rng: Random, who: str) -> str:
    product = rng.choice(PRODUCTS)
    return rng.choice(
        [
            f"向{who}讲了{product}新品政策",
            f"给{who}说明促销：{product}满{rng.randint(5, 20)}箱送1箱",
        ]
    )


def prospect_result(rng: Random, who: str) -> str:
    """A visit to a shop that does not buy from us yet."""
    product = rng.choice(PRODUCTS)
    return rng.choice(
        [
            f"见了{who}，留了{product}价格表",
            f"{who}嫌{product}价格高，下次带报价单",
            f"送了{rng.randint(1, 4)}箱{product}样品，{who}说先试卖",
            f"{who}要跟合伙人商量，约{rng.choice(DAYS_AHEAD)}再谈",
            f"{who}问账期，说现在的供应商给{rng.choice([30, 45, 60])}天",
        ]
    )


def won_result(rng: Random, who: str, cents: int) -> str:
    return f"首单{max(2, cents // 5000)}箱{rng.choice(PRODUCTS)}，{who}签了合同"


def lost_result(rng: Random, who: str) -> str:
    return rng.choice([f"{who}已和竞品签了年约，不再跟进", f"店铺转让，{who}不做了"])


def pressed_result(rng: Random, who: str, cents: int) -> str:
    """A month-end order far above the customer's habit, as the rep words it."""
    return (
        f"月底冲量，{who}订了{max(10, cents // 5000)}箱{rng.choice(PRODUCTS)}，"
        f"答应{rng.choice(['下月', '卖不完'])}可以调货"
    )
