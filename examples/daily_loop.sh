#!/usr/bin/env bash
# One working day of a small team, from an empty database to the evening leaderboard.
# Runs in a temporary folder; your own database is never touched.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SALESPROC_DB="$work/team.db"
export SALESPROC_NOW="${SALESPROC_NOW:-2026-11-30T18:30}"

salesproc init
salesproc rep add zhangwei --name 张伟 --region 杭州 --phone 13800000001
salesproc rep add lina --name 李娜 --region 杭州 --phone 13800000002
salesproc customer add 万家超市 --grade A --rep zhangwei --contact 王经理 --phone 13900000001 --category existing
salesproc customer add 华联便利店 --grade B --rep zhangwei --phone 13900000002
salesproc customer add 兴隆商行 --grade C --rep lina --phone 13900000003 --category existing

echo "--- morning: who is due? ---"
salesproc due

salesproc log-visit --rep zhangwei --customer 万家超市 --purpose 订货,收款 \
    --start 09:30 --end 10:15 --result 下单补货 --amount 3200 --weather 晴
salesproc log-visit --rep zhangwei --customer 华联便利店 --purpose development \
    --start 10:40 --end 11:10 --result "老板有兴趣，约下周详谈" --next +5 --note 嫌价格高
salesproc log-visit --rep lina --customer 兴隆商行 --purpose order --purpose service \
    --start 14:00 --end 14:45 --amount 1280.50

echo "--- evening: the leaderboard ---"
salesproc rank
salesproc rank --cumulative --format json
salesproc four-visit

echo "--- the supervisor: the report, targets, the team's message, tomorrow's calls ---"
salesproc --lang zh report daily
salesproc target set --team --amount 1200000
salesproc progress
salesproc broadcast --dry-run --edition evening
salesproc call-plan --date tomorrow
salesproc audit
