def test_log_visit_then_due(team):
    r = team(
        "log-visit",
        "--rep",
        "zhang",
        "--customer",
        "万家超市",
        "--purpose",
        "order",
        "--date",
        "yesterday",
        "--amount",
        "100",
    )
    assert r.exit_code == 0, r.stderr
    due = team("due", "--format", "json").json()
    assert [d["customer"] for d in due] == ["华联便利店", "兴隆商行"]
