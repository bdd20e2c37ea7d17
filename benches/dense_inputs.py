#!/usr/bin/env python3
"""The inputs of issue 17's benchmark (benches/dense.sh), generated deterministically.

    benches/dense_inputs.py WORK SIZE_MIB

dense.sql  SIZE_MIB of a leaked user table among application logs: a quarter of the lines
           are INSERT rows (a Chinese name, a resident ID, a mobile number, an address and a
           bank card each), the rest log lines that each hold a 16-digit order number, a
           13-digit millisecond timestamp and a Chinese message;
logs.log   SIZE_MIB of the same logs with a user row in 1 % of the lines (sparse, as real
           application logs are);
tree/      20,000 files of 1-64 KiB cut from dense.sql.
A file already of the right size is kept.
"""
import os
import random
import sys

work, mib = sys.argv[1], int(sys.argv[2])
os.makedirs(work, exist_ok=True)
r = random.Random(17)
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强红梅玉兰海燕"
PLACES = [
    ("110105", "北京市朝阳区", ["建国路", "朝阳北路", "望京街"]),
    ("310104", "上海市徐汇区", ["漕溪北路", "肇嘉浜路", "天钥桥路"]),
    ("440305", "广东省深圳市南山区", ["科技园路", "深南大道", "南海大道"]),
    ("510107", "四川省成都市武侯区", ["人民南路", "科华北路", "武侯祠大街"]),
    ("330106", "浙江省杭州市西湖区", ["文三路", "天目山路", "西溪路"]),
]
MESSAGES = ["订单创建成功", "支付回调处理完成", "库存扣减成功", "用户登录成功", "优惠券核销",
            "物流状态更新", "退款申请已受理", "风控校验通过"]


def cn_id(code):
    body = "%s%04d%02d%02d%03d" % (code, r.randint(1950, 2005), r.randint(1, 12),
                                   r.randint(1, 28), r.randint(0, 999))
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def mobile():
    return r.choice(["138", "139", "150", "186", "177", "199"]) + "%08d" % r.randint(0, 10**8 - 1)


def card():
    body = r.choice(["622202", "622848", "621700", "622588"]) + "".join(
        str(r.randint(0, 9)) for _ in range(12))
    t = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        t += d - 9 if d > 9 else d
    return body + str((10 - t % 10) % 10)


def row(i):
    code, area, roads = r.choice(PLACES)
    name = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.randint(1, 2)))
    return ("INSERT INTO users VALUES (%d,'%s','%s','%s','%s%s%d号','%s','2023-05-16 12:%02d:%02d');\n"
            % (i, name, cn_id(code), mobile(), area, r.choice(roads), r.randint(1, 999), card(),
               r.randint(0, 59), r.randint(0, 59)))


def log(i):
    ms = 1684210000000 + i * 37
    return ("2023-05-16 12:%02d:%02d.%03d INFO [order-service] %s orderId=%016d ts=%d "
            "userId=%d amount=%d.%02d traceId=%016x\n"
            % (i // 60 % 60, i % 60, i % 1000, r.choice(MESSAGES),
               r.randint(10**15, 10**16 - 1), ms, r.randint(1, 10**7), r.randint(1, 9999),
               r.randint(0, 99), r.getrandbits(64)))


def write(path, every):
    target = mib << 20
    if os.path.exists(path) and os.path.getsize(path) >= target:
        return
    with open(path, "w", encoding="utf-8") as f:
        n, i, buf = 0, 0, []
        while n < target:
            line = row(i) if i % every == 0 else log(i)
            buf.append(line)
            n += len(line.encode())
            i += 1
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))


write(os.path.join(work, "dense.sql"), 4)
write(os.path.join(work, "logs.log"), 100)
tree = os.path.join(work, "tree")
if not os.path.isdir(tree):
    data = open(os.path.join(work, "dense.sql"), "rb").read()
    pos = 0
    for k in range(20000):
        d = os.path.join(tree, "%03d" % (k // 200))
        os.makedirs(d, exist_ok=True)
        size = r.randint(1 << 10, 64 << 10)
        if pos + size > len(data):
            pos = 0
        end = data.rfind(b"\n", pos, pos + size) + 1 or pos + size
        with open(os.path.join(d, "f%05d.sql" % k), "wb") as f:
            f.write(data[pos:end])
        pos = end
