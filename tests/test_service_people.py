"""The team and the customer file through the use cases, no CLI: what a script can do."""

from datetime import date, datetime, time

import pytest

from salesproc.errors import InputError
from salesproc.rules.vocab import Category, Grade, Outcome, Purpose
from salesproc.service import Context, people, sales, visits

NOW = datetime(2026, 11, 30, 18, 30)


@pytest.fixture
def ctx(tmp_path):
    with Context.open(db=str(tmp_path / "x.db"), now=NOW) as context:
        context.engine(create=True)
        yield context


def customer(name, grade=Grade.B, **fields):
    return people.CustomerFields(name=name, grade=grade, **fields)


# --- reps ------------------------------------------------------------------------------------


def test_a_rep_is_added_listed_deactivated_and_activated_again(ctx):
    added = people.add_rep(ctx, "zhang", " 张伟 ", region="杭州", phone="13800000001")
    assert added == people.RepInfo("zhang", "张伟", "杭州", "13800000001", True)
    people.add_rep(ctx, "li", "李娜")
    assert [r.code for r in people.list_reps(ctx)] == ["li", "zhang"]
    assert people.deactivate_rep(ctx, "zhang").active is False
    assert {r.code: r.active for r in people.list_reps(ctx)} == {"li": True, "zhang": False}
    assert people.activate_rep(ctx, "zhang").active is True


def test_a_rep_code_is_one_word_and_unique(ctx):
    people.add_rep(ctx, "zhang", "张伟")
    with pytest.raises(InputError, match="already exists"):
        people.add_rep(ctx, "zhang", "另一个张伟")
    with pytest.raises(InputError, match="bad rep code"):
        people.add_rep(ctx, "zhang wei", "张伟")
    with pytest.raises(InputError, match="nobody"):
        people.deactivate_rep(ctx, "nobody")
    assert len(people.list_reps(ctx)) == 1  # a refused write leaves nothing behind


# --- customers -------------------------------------------------------------------------------


def test_a_customer_is_a_prospect_unless_told_and_names_ignore_case_and_spacing(ctx):
    people.add_rep(ctx, "zhang", "张伟")
    added = people.add_customer(ctx, customer("Wanjia  Mart", rep="zhang", phone="139"))
    assert (added.name, added.grade, added.category, added.rep) == (
        "Wanjia Mart", "B", "prospect", "zhang",
    )  # fmt: skip
    assert (added.added_on, added.status) == (NOW.date(), "open")
    with pytest.raises(InputError, match="already exists"):
        people.add_customer(ctx, customer("wanjia mart"))
    existing = people.add_customer(ctx, customer("华联", Grade.A, category=Category.EXISTING))
    assert (existing.category, existing.rep) == ("existing", None)


def test_an_edit_changes_only_what_it_sets(ctx):
    people.add_rep(ctx, "zhang", "张伟")
    people.add_rep(ctx, "li", "李娜")
    people.add_customer(ctx, customer("万家超市", rep="zhang", phone="139", region="杭州"))
    edited = people.edit_customer(
        ctx, "万家超市", people.CustomerFields(name="万家超市(西湖)", grade=Grade.A, rep="li")
    )
    assert (edited.name, edited.grade, edited.rep) == ("万家超市(西湖)", "A", "li")
    assert (edited.phone, edited.region, edited.category) == ("139", "杭州", "prospect")
    with pytest.raises(InputError, match="万家超市"):
        people.edit_customer(ctx, "万家超市", people.CustomerFields(phone="1"))


def test_the_list_filters_by_grade_rep_and_category(ctx):
    people.add_rep(ctx, "zhang", "张伟")
    people.add_customer(ctx, customer("甲", Grade.A, rep="zhang"))
    people.add_customer(ctx, customer("乙", Grade.C, rep="zhang", category=Category.EXISTING))
    people.add_customer(ctx, customer("丙", Grade.C))
    assert {c.name for c in people.list_customers(ctx)} == {"甲", "乙", "丙"}
    assert {c.name for c in people.list_customers(ctx, grade=Grade.C)} == {"乙", "丙"}
    assert {c.name for c in people.list_customers(ctx, rep="zhang")} == {"甲", "乙"}
    existing = people.list_customers(ctx, category=Category.EXISTING)
    assert [(c.name, c.visits, c.last_visit) for c in existing] == [("乙", 0, None)]
    with pytest.raises(InputError, match="nobody"):
        people.list_customers(ctx, rep="nobody")


def test_show_gathers_details_visits_and_sales(ctx):
    people.add_rep(ctx, "zhang", "张伟")
    people.add_customer(ctx, customer("万家超市", rep="zhang", contact="王经理"))
    for day, start, outcome in [
        (date(2026, 11, 20), time(9, 30), None),
        (date(2026, 11, 27), time(10, 0), Outcome.WON),
    ]:
        entry = visits.VisitInput(
            rep="zhang", customer="万家超市", purposes=(Purpose.ORDER,), visit_date=day,
            start=start, outcome=outcome,
        )  # fmt: skip
        visits.log_visit(ctx, entry)
    sales.add_sale(ctx, "zhang", 120_050, date(2026, 11, 27), "万家超市", ref="SO-1")
    found = people.show_customer(ctx, " 万家超市 ")
    assert (found.details.name, found.details.contact) == ("万家超市", "王经理")
    assert (found.details.category, found.details.won_on) == ("new", date(2026, 11, 27))
    assert [v.date for v in found.visits] == [date(2026, 11, 20), date(2026, 11, 27)]
    assert found.sales == [people.SaleInfo(date(2026, 11, 27), "zhang", 120_050, "SO-1")]
    ctx.close()  # plain values: readable with the database closed
    assert found.details.status == "open" and found.visits[0].customer == "万家超市"
